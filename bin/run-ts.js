#!/usr/bin/env node
// Runs one TypeScript file (benchmarks, scripts) the same way bin/gerbang.js runs the appliance.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

process.env.TSX_DISABLE_CACHE = '1';
const { register } = await import('tsx/esm/api');
register();
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: run-ts.js FILE.ts [args...]\n');
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(resolve(file)).href);
