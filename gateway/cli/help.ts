/** The top-level help, derived from the command table: every command and subcommand. */
import { leavesOf, type Command } from './command.ts';

const ENVIRONMENT = `environment:
  GERBANG_DATA_DIR   the instance's state directory (default ./var)
  GERBANG_CONFIG     its configuration file (default $GERBANG_DATA_DIR/gerbang.json)
  GERBANG_HOST       the gateway's address instead of server.host, for every command
                     (0.0.0.0 and :: mean 127.0.0.1 to a command that connects)
  GERBANG_PORT       the gateway's port instead of server.port, for every command
                     (0, any free port, only for a command that listens: demo, serve)
  GERBANG_SIM_PORT   the simulator's port (demo, sim), and the port of upstream.baseUrl`;

const EXIT_STATUS = `exit status: 0 success, 1 failure, 64 usage error, 69 a component the command needs is
missing, 78 configuration error (the message names the file, the JSON path and why)`;

export function topLevelHelp(table: readonly Command[]): string {
  const lines = leavesOf(table).flatMap(({ path, command }) => [
    `  ${[...path, command.synopsis].filter((part) => part !== '').join(' ')}`,
    ...command.summary.split('\n').map((line) => `      ${line}`),
  ]);
  return [
    'gerbang — gateway between the agency and the Dukcapil population registry',
    '',
    'usage: gerbang <command> [<subcommand>] [options]',
    '       gerbang <command> [<subcommand>] --help   (or gerbang help <command>): its usage',
    '       gerbang --version                         (or gerbang version)',
    '',
    'commands:',
    ...lines,
    '',
    ENVIRONMENT,
    '',
    EXIT_STATUS,
  ].join('\n');
}
