/**
 * `gerbang <command>`: one entry point for operators (bin/gerbang.js from the sources,
 * dist/gateway/cli/main.js from a build). Everything is in runCli; a long-running command
 * (demo, serve, sim, the reader agent) keeps the process alive after runCli has resolved.
 */
import { runCli } from './run-cli.ts';

const status = await runCli(process.argv.slice(2));
// A failure may leave handles open (a simulator started before the gateway failed): leave now.
if (status !== 0) process.exit(status);
