/**
 * The whole CLI matrix, in-process and generated from the command table, so that a new command
 * cannot escape it: `--help` on every command and subcommand, wrong usage of every kind, the
 * version, the top-level help and the README's command table. None of these reaches a handler.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { groupUsage, leafUsage, leavesOf, type CommandGroup } from './command.ts';
import { COMMANDS } from './commands.ts';
import { runCli } from './run-cli.ts';

// No handler module may be loaded for help or wrong usage: `gerbang reader --help` must work where
// the PC/SC binding is missing, and a usage error must never have begun the command's work.
vi.mock('./run.ts', () => {
  throw new Error('run.ts was loaded');
});
vi.mock('./certs.ts', () => {
  throw new Error('certs.ts was loaded');
});
vi.mock('./audit.ts', () => {
  throw new Error('audit.ts was loaded');
});
vi.mock('./admin.ts', () => {
  throw new Error('admin.ts was loaded');
});
vi.mock('./cards.ts', () => {
  throw new Error('cards.ts was loaded');
});
vi.mock('./return-data.ts', () => {
  throw new Error('return-data.ts was loaded');
});
vi.mock('./retention.ts', () => {
  throw new Error('retention.ts was loaded');
});
vi.mock('./report.ts', () => {
  throw new Error('report.ts was loaded');
});
vi.mock('./health.ts', () => {
  throw new Error('health.ts was loaded');
});
vi.mock('./doctor/command.ts', () => {
  throw new Error('doctor.ts was loaded');
});
vi.mock('./ikd.ts', () => {
  throw new Error('ikd.ts was loaded');
});
vi.mock('./verify-batch.ts', () => {
  throw new Error('verify-batch.ts was loaded');
});

async function cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Node's parseArgs wording, or a stack frame: neither may ever reach a person. */
const PARSER_OR_STACK =
  /ERR_PARSE_ARGS|To specify a positional argument|argument is ambiguous|Unknown option|Unexpected argument|TypeError|\n\s+at /;

const LEAVES = leavesOf(COMMANDS).map(({ path, command }) => ({
  name: path.join(' '),
  path: [...path],
  command,
}));
const GROUPS = COMMANDS.filter((c): c is CommandGroup => c.kind === 'group');

/** Values for every required option, so that a test can get past them to what it checks. */
function requiredArgs(options: (typeof LEAVES)[number]['command']['options']): string[] {
  return Object.entries(options)
    .filter(([, option]) => option.required === true)
    .flatMap(([name]) => [`--${name}`, 'x']);
}

const wrongUsage = (
  result: { status: number; stdout: string; stderr: string },
  usage: string,
  message: RegExp,
): void => {
  expect(result.status).toBe(64);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain(usage);
  expect(result.stderr).not.toMatch(PARSER_OR_STACK);
};

describe.each(LEAVES)('gerbang $name', ({ path, command }) => {
  const usage = leafUsage(path, command);
  const stringOption = Object.keys(command.options).find(
    (name) => command.options[name]?.type === 'string',
  );
  const booleanOption = Object.keys(command.options).find(
    (name) => command.options[name]?.type === 'boolean',
  );

  it('--help, -h and gerbang help print its usage on stdout and exit 0', async () => {
    for (const argv of [
      [...path, '--help'],
      [...path, '-h'],
      [...path, '--no-such-option', '--help'],
      ['help', ...path],
    ]) {
      const result = await cli(argv);
      expect([result.status, result.stderr]).toEqual([0, '']);
      expect(result.stdout).toBe(usage);
    }
    expect(usage).toMatch(new RegExp(`^usage: gerbang ${path.join(' ')}\\b`));
  });

  it('shows every option it takes in its usage', () => {
    for (const name of Object.keys(command.options)) expect(usage).toContain(`--${name}`);
  });

  it('an unknown option exits 64 with its usage on stderr', async () => {
    wrongUsage(
      await cli([...path, '--no-such-option']),
      usage,
      /unknown option '--no-such-option'/,
    );
    wrongUsage(await cli([...path, '-x']), usage, /unknown option '-x'/);
  });

  it('an extra argument exits 64 with its usage', async () => {
    const extra = Array.from({ length: 3 }, (_, i) => `extra-${String(i)}`);
    wrongUsage(
      await cli([...path, ...requiredArgs(command.options), ...extra]),
      usage,
      /unexpected argument/,
    );
  });

  if (Object.values(command.options).some((o) => o.required === true))
    it('a missing required option exits 64 naming it', async () => {
      wrongUsage(await cli(path), usage, /--[\w-]+ is required/);
    });

  if (stringOption !== undefined)
    it('an option without its value exits 64', async () => {
      wrongUsage(
        await cli([...path, `--${stringOption}`]),
        usage,
        new RegExp(`--${stringOption} needs a value`),
      );
      wrongUsage(
        await cli([...path, `--${stringOption}`, '--another']),
        usage,
        /needs a value \(write --[\w-]+=VALUE for one that starts with -\)/,
      );
    });

  if (booleanOption !== undefined)
    it('a value given to a flag exits 64', async () => {
      wrongUsage(
        await cli([...path, `--${booleanOption}=yes`]),
        usage,
        new RegExp(`--${booleanOption} takes no value`),
      );
    });

  if (stringOption !== undefined && command.options[stringOption]?.multiple !== true)
    it('an option given twice exits 64', async () => {
      const name = stringOption;
      wrongUsage(
        await cli([...path, `--${name}`, 'a', `--${name}=b`]),
        usage,
        new RegExp(`--${name} is given more than once`),
      );
    });
});

describe.each(GROUPS.map((group) => ({ name: group.name, group })))(
  'gerbang $name (subcommands)',
  ({ name, group }) => {
    const usage = groupUsage(group);

    it('--help lists every subcommand on stdout, exit 0', async () => {
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const result = await cli(argv);
        expect([result.status, result.stderr, result.stdout]).toEqual([0, '', usage]);
      }
      for (const sub of group.subcommands) expect(usage).toContain(`gerbang ${name} ${sub.name}`);
    });

    it('no subcommand, or an unknown one, exits 64 with the list on stderr', async () => {
      wrongUsage(await cli([name]), usage, new RegExp(`${name} needs a subcommand`));
      wrongUsage(
        await cli([name, 'no-such-subcommand']),
        usage,
        /unknown subcommand 'no-such-subcommand'/,
      );
      wrongUsage(await cli([name, '--bogus']), usage, /unknown subcommand '--bogus' of /);
    });
  },
);

describe('gerbang', () => {
  it("loads a command's module only to run it (the mocks above would notice otherwise)", async () => {
    const run = await cli(['config', 'check']);
    expect(run.status).toBe(1);
    // vitest reports the factory's throw in its own words.
    expect(run.stderr).toMatch(/error when mocking a module/);
  });

  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

  it('--version and version print the version of package.json', async () => {
    for (const argv of [['--version'], ['version']])
      expect(await cli(argv)).toEqual({ status: 0, stdout: `gerbang ${version}`, stderr: '' });
    expect((await cli(['version', 'extra'])).status).toBe(64);
  });

  it('--help, -h and help list every command and subcommand, the environment and the exit codes', async () => {
    const help = await cli(['--help']);
    expect([help.status, help.stderr]).toEqual([0, '']);
    for (const argv of [['-h'], ['help']]) expect((await cli(argv)).stdout).toBe(help.stdout);
    for (const { name } of LEAVES) expect(help.stdout).toMatch(new RegExp(`^  ${name}( |$)`, 'm'));
    for (const variable of [
      'GERBANG_DATA_DIR',
      'GERBANG_CONFIG',
      'GERBANG_HOST',
      'GERBANG_PORT',
      'GERBANG_SIM_PORT',
    ])
      expect(help.stdout).toContain(variable);
    expect(help.stdout).toMatch(
      /0 success, 1 failure, 64 usage error, 69 .*\n?.* 78 configuration/,
    );
  });

  it('no command, or an unknown one, exits 64 with the help on stderr', async () => {
    const help = (await cli(['--help'])).stdout;
    wrongUsage(await cli([]), help, /a command is needed/);
    wrongUsage(await cli(['frobnicate']), help, /unknown command 'frobnicate'/);
    wrongUsage(await cli(['--frobnicate']), help, /unknown command '--frobnicate'/);
    wrongUsage(await cli(['help', 'frobnicate']), help, /unknown command 'frobnicate'/);
    // What is not a plausible word is not shown back.
    const odd = await cli(['6474015709900001']);
    expect(odd.stderr).toMatch(/^gerbang: unknown command\n/);
    expect(odd.stderr).not.toContain('6474015709900001');
  });

  it("the README's command table names every command and subcommand", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Configuration'));
    for (const { path } of LEAVES) {
      expect(section).toContain(`gerbang ${path[0] ?? ''}`);
      if (path[1] !== undefined) expect(section).toMatch(new RegExp(`\\b${path[1]}\\b`));
    }
    expect(section).toMatch(/--version/);
    expect(section).toMatch(/69/);
  });
});
