/**
 * What a command is, for the table in commands.ts: a leaf (options, usage, a handler loaded on
 * demand) or a group of leaves (`certs init`, `certs issue`, …). Usage texts, the top-level help
 * and the dispatcher (run-cli.ts) are all derived from the same entries, so that a command cannot
 * exist without its usage, nor take an option its usage does not show.
 */
import { parseCommandArgs, type ArgsSpec, type OptionSpecs, type OptionValues } from './args.ts';

/** A handler's result: an exit status (a number), or anything else for success. */
export type HandlerResult = Promise<unknown>;

export interface LeafCommand {
  readonly kind: 'leaf';
  readonly name: string;
  /** The arguments part of the usage line, e.g. `--id ID --role ROLE [--p12] [--days N]`. */
  readonly synopsis: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** More lines for the command's own usage: what an option means, exit statuses. */
  readonly details: string | undefined;
  readonly options: OptionSpecs;
  /** Parses `args`: a request for help, or the handler ready to run. Throws UsageError. */
  prepare(args: readonly string[]): { help: true } | { help: false; run: () => HandlerResult };
}

export interface CommandGroup {
  readonly kind: 'group';
  readonly name: string;
  readonly summary: string;
  readonly subcommands: readonly LeafCommand[];
}

export type Command = LeafCommand | CommandGroup;

export function leaf<O extends OptionSpecs>(
  definition: ArgsSpec<O> & {
    readonly name: string;
    readonly synopsis: string;
    readonly summary: string;
    readonly details?: string;
    readonly run: (values: OptionValues<O>, positionals: string[]) => HandlerResult;
  },
): LeafCommand {
  return {
    kind: 'leaf',
    name: definition.name,
    synopsis: definition.synopsis,
    summary: definition.summary,
    details: definition.details,
    options: definition.options,
    prepare(args) {
      const parsed = parseCommandArgs(args, definition);
      if (parsed.help) return { help: true };
      return { help: false, run: () => definition.run(parsed.values, parsed.positionals) };
    },
  };
}

export function group(
  name: string,
  summary: string,
  subcommands: readonly LeafCommand[],
): CommandGroup {
  return { kind: 'group', name, summary, subcommands };
}

/** `gerbang certs issue --id ID …`: the command line a person types. */
function commandLine(path: readonly string[], command: LeafCommand): string {
  return ['gerbang', ...path, command.synopsis].filter((part) => part !== '').join(' ');
}

/** The usage of one leaf: its line, what it does, and its details. */
export function leafUsage(path: readonly string[], command: LeafCommand): string {
  return [
    `usage: ${commandLine(path, command)}`,
    '',
    command.summary,
    ...(command.details === undefined ? [] : ['', command.details]),
  ].join('\n');
}

/** The usage of a group: each subcommand's line and what it does. */
export function groupUsage(command: CommandGroup): string {
  return [
    `usage: gerbang ${command.name} <subcommand>   (${command.summary})`,
    '',
    ...command.subcommands.flatMap((sub) => [
      `  ${commandLine([command.name, sub.name], sub)}`,
      `      ${sub.summary}`,
    ]),
    '',
    `gerbang ${command.name} <subcommand> --help describes one.`,
  ].join('\n');
}

/** Every leaf with its path: `[['demo'], …, ['certs', 'init'], …]`. */
export function leavesOf(
  table: readonly Command[],
): { path: readonly string[]; command: LeafCommand }[] {
  return table.flatMap((command) =>
    command.kind === 'leaf'
      ? [{ path: [command.name], command }]
      : command.subcommands.map((sub) => ({ path: [command.name, sub.name], command: sub })),
  );
}
