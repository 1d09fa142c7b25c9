// A worker thread on a TypeScript module (workerData.entry), with the loader bin/gerbang.js and
// bin/run-ts.js use: a worker does not inherit the loader its parent registered at run time.
import { workerData } from 'node:worker_threads';

process.env.TSX_DISABLE_CACHE = '1';
const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
