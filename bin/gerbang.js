#!/usr/bin/env node
// Entry point for `npx gerbang` and `npm start`: runs the TypeScript sources directly, so that no
// build step stands between `npm ci` and a working appliance. The transpile cache is disabled so
// that nothing (the simulator's fixtures included) is written to the temporary directory.
process.env.TSX_DISABLE_CACHE = '1';
const { register } = await import('tsx/esm/api');
register();
await import('../gateway/cli/main.ts');
