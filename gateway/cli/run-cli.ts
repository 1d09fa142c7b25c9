/**
 * `gerbang …` as a function: finds the command in the table (commands.ts), answers `--help`,
 * `--version` and wrong usage itself, runs the handler, and turns every error into a message and
 * an exit status — 0 success, 1 failure, 64 usage (with the command's usage), 69 a component the
 * command needs is missing, 78 configuration. Never a stack trace, never the argument parser's
 * text. main.ts only calls it and exits; tests call it in-process.
 */
import { ConfigError } from '../config/index.ts';
import { EndpointError } from '../config/endpoints.ts';
import { SecretError } from '../config/secrets.ts';
import { UsageError } from './args.ts';
import { groupUsage, leafUsage, type Command, type LeafCommand } from './command.ts';
import { COMMANDS } from './commands.ts';
import { topLevelHelp } from './help.ts';
import { CliError, EXIT } from './output.ts';
import { gerbangVersion } from './version.ts';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** A word typed as a command name, shown back (after a space) only if it looks like one. */
const shown = (word: string): string =>
  /^-{0,2}[A-Za-z][\w-]{0,39}$/.test(word) ? ` '${word}'` : '';

const isHelp = (word: string | undefined): boolean => word === '--help' || word === '-h';

const VERSION_USAGE =
  'usage: gerbang version (or gerbang --version)\n\nprint the version of Gerbang';

/** A usage error: the message, then the usage it concerns, on stderr. */
class Misuse extends Error {
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message);
    this.usage = usage;
  }
}

type Resolved =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'leaf';
      readonly command: LeafCommand;
      readonly path: string[];
      readonly args: string[];
    };

/** Which table entry `words` name, or the help text they ask for. Throws Misuse. */
function resolve(table: readonly Command[], words: readonly string[]): Resolved {
  const [name, ...rest] = words;
  const help = topLevelHelp(table);
  if (name === undefined) throw new Misuse('a command is needed', help);
  if (isHelp(name)) return { kind: 'text', text: help };
  if (name === '--version' || name === 'version') {
    if (isHelp(rest[0])) return { kind: 'text', text: VERSION_USAGE };
    if (rest.length > 0) throw new Misuse('version takes no arguments', VERSION_USAGE);
    return { kind: 'text', text: `gerbang ${gerbangVersion()}` };
  }
  if (name === 'help') {
    if (rest.length === 0) return { kind: 'text', text: help };
    const target = resolve(table, [...rest, '--help']);
    return target.kind === 'text'
      ? target
      : { kind: 'text', text: leafUsage(target.path, target.command) };
  }
  const command = table.find((entry) => entry.name === name);
  if (command === undefined) throw new Misuse(`unknown command${shown(name)}`, help);
  if (command.kind === 'leaf') return { kind: 'leaf', command, path: [name], args: rest };
  const [subName, ...args] = rest;
  if (isHelp(subName)) return { kind: 'text', text: groupUsage(command) };
  if (subName === undefined) throw new Misuse(`${name} needs a subcommand`, groupUsage(command));
  const sub = command.subcommands.find((entry) => entry.name === subName);
  if (sub === undefined)
    throw new Misuse(`unknown subcommand${shown(subName)} of ${name}`, groupUsage(command));
  return { kind: 'leaf', command: sub, path: [name, subName], args };
}

const FILE_PROBLEMS = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
} as const;

/** The exit status for an error a handler threw, and what to say. */
function failureOf(error: unknown): { status: number; message: string } {
  if (error instanceof ConfigError || error instanceof SecretError)
    return { status: EXIT.config, message: error.message };
  if (error instanceof EndpointError)
    return {
      status: error.source === 'environment' ? EXIT.usage : EXIT.config,
      message: error.message,
    };
  if (error instanceof CliError) return { status: error.exitCode, message: error.message };
  const { code, path } = error as NodeJS.ErrnoException;
  if (typeof path === 'string' && (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR'))
    return { status: EXIT.failure, message: `${path}: ${FILE_PROBLEMS[code]}` };
  return { status: EXIT.failure, message: error instanceof Error ? error.message : 'failed' };
}

/** Runs `gerbang <argv>`; resolves to the exit status. Long-running commands resolve once up. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo,
  table: readonly Command[] = COMMANDS,
): Promise<number> {
  let resolved: Resolved;
  try {
    resolved = resolve(table, argv);
  } catch (error) {
    if (!(error instanceof Misuse)) throw error;
    io.err(`gerbang: ${error.message}\n\n${error.usage}`);
    return EXIT.usage;
  }
  if (resolved.kind === 'text') {
    io.out(resolved.text);
    return EXIT.ok;
  }
  const usage = leafUsage(resolved.path, resolved.command);
  try {
    const prepared = resolved.command.prepare(resolved.args);
    if (prepared.help) {
      io.out(usage);
      return EXIT.ok;
    }
    const outcome = await prepared.run();
    return typeof outcome === 'number' ? outcome : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`gerbang ${resolved.path.join(' ')}: ${error.message}\n\n${usage}`);
      return EXIT.usage;
    }
    const { status, message } = failureOf(error);
    // Wrong usage found by the handler (a malformed value) shows the usage too.
    io.err(
      status === EXIT.usage
        ? `gerbang ${resolved.path.join(' ')}: ${message}\n\n${usage}`
        : `gerbang: ${message}`,
    );
    return status;
  }
}
