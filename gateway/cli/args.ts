/**
 * Command-line arguments for every command: `node:util` `parseArgs` reads the tokens, and this
 * module judges them, so that wrong usage is always one UsageError in Gerbang's words (never the
 * parser's text) and `--help`/`-h` anywhere before `--` asks for the command's usage.
 *
 * Stricter than `parseArgs({ strict: true })` where a mistake would pass silently: an option given
 * twice is refused unless it may repeat, and so is a value that looks like an option
 * (`--id --role app` means a forgotten value; `--note=-x` passes one that starts with a dash).
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** May be given more than once; the values are collected in order. */
  readonly multiple?: true;
  readonly required?: true;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What a handler receives: booleans always set, required strings always present. */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K] extends { readonly multiple: true }
      ? O[K] extends { readonly required: true }
        ? string[]
        : string[] | undefined
      : O[K] extends { readonly required: true }
        ? string
        : string | undefined;
};

export interface ArgsSpec<O extends OptionSpecs> {
  readonly options: O;
  /** The positional arguments the command takes (default none), named as in its usage. */
  readonly positionals?: { readonly name: string; readonly min: number; readonly max: number };
}

export type ParsedArgs<O extends OptionSpecs> =
  | { readonly help: true }
  | { readonly help: false; readonly values: OptionValues<O>; readonly positionals: string[] };

/** Wrong usage: exit 64 with the command's usage. The message is Gerbang's own. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An option as the person typed it, if it is a plausible option name; never more of argv. */
function shown(rawName: string): string {
  return /^--?[A-Za-z][\w-]{0,39}$/.test(rawName) ? `'${rawName}'` : 'an option';
}

export function parseCommandArgs<O extends OptionSpecs>(
  args: readonly string[],
  spec: ArgsSpec<O>,
): ParsedArgs<O> {
  const declared = spec.options;
  const { tokens } = parseArgs({
    args: [...args],
    // Only so that the parser knows which options take a value; judging is done below.
    options: Object.fromEntries(
      Object.entries(declared).map(([name, option]) => [name, { type: option.type }]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let terminated = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') terminated = true;
    if (!terminated && token.kind === 'option' && (token.name === 'help' || token.rawName === '-h'))
      return { help: true };
  }

  const values: Record<string, string | string[] | boolean | undefined> = {};
  for (const [name, option] of Object.entries(declared))
    values[name] = option.type === 'boolean' ? false : undefined;
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    // Short options are not declared by any command: `-x` is unknown like `--x`.
    const option = token.rawName.startsWith('--') ? declared[token.name] : undefined;
    if (option === undefined) throw new UsageError(`unknown option ${shown(token.rawName)}`);
    const name = `--${token.name}`;
    if (seen.has(token.name) && option.multiple !== true)
      throw new UsageError(`${name} is given more than once`);
    seen.add(token.name);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${name} takes no value`);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
      throw new UsageError(
        `${name} needs a value${token.value === undefined ? '' : ` (write ${name}=VALUE for one that starts with -)`}`,
      );
    const previous = values[token.name];
    values[token.name] =
      option.multiple === true
        ? [...(Array.isArray(previous) ? previous : []), token.value]
        : token.value;
  }

  for (const [name, option] of Object.entries(declared))
    if (option.required === true && values[name] === undefined)
      throw new UsageError(`--${name} is required`);
  const { name, min, max } = spec.positionals ?? { name: '', min: 0, max: 0 };
  if (positionals.length > max)
    throw new UsageError(
      max === 0
        ? 'unexpected argument: this command takes options only'
        : `unexpected argument: this command takes ${max === 1 ? `one ${name}` : `at most ${String(max)} ${name}`}`,
    );
  if (positionals.length < min) throw new UsageError(`${name} is required`);
  return { help: false, values: values as OptionValues<O>, positionals };
}

/** `--port N`: 0–65535, else a usage error naming the option; `fallback` when it is absent. */
export function portOption(option: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new UsageError(`${option} must be a port number from 0 to 65535`);
  return Number(raw);
}

/** `--gateway URL`: an https URL of the gateway, else a usage error; undefined when absent. */
export function gatewayUrlOption(option: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${option} must be a URL such as https://127.0.0.1:8443`);
  }
  if (url.protocol !== 'https:')
    throw new UsageError(`${option} must be an https URL: the gateway speaks mutual TLS only`);
  return raw.replace(/\/+$/, '');
}
