/**
 * `gerbang doctor [--json] [--credentials DIR]`: checks an instance and prints one line per check;
 * exits 1 when any check fails (warnings alone exit 0), so that it can gate a start or a timer.
 */
import { parseArgs } from 'node:util';
import { locateInstance } from '../config/instance.ts';
import { DEFAULT_THRESHOLDS, overall, runDoctor, type CheckStatus } from '../doctor/checks.ts';
import { CliError, EXIT, say } from './output.ts';

const USAGE = `usage: gerbang doctor [--json] [--credentials DIR]
  --credentials DIR   where credential:NAME secrets are, when not run by systemd
                      (the directory the unit's LoadCredential= lines read from)`;

const LABEL: Readonly<Record<CheckStatus, string>> = {
  ok: 'ok  ',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'skip',
};

export async function doctorCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, credentials: { type: 'string' } },
      strict: true,
    }));
  } catch {
    throw new CliError(USAGE, EXIT.usage);
  }
  if (values.credentials !== undefined) process.env['CREDENTIALS_DIRECTORY'] = values.credentials;
  const location = locateInstance();
  const results = await runDoctor({
    configPath: location.configPath,
    dataDir: location.dataDir,
    now: Date.now(),
    thresholds: DEFAULT_THRESHOLDS,
  });
  const verdict = overall(results);
  if (values.json === true) {
    say(JSON.stringify({ verdict, checks: results }, null, 2));
  } else {
    say(`gerbang doctor: ${location.configPath}`);
    const width = Math.max(...results.map((r) => r.check.length));
    for (const r of results) say(`  ${LABEL[r.status]}  ${r.check.padEnd(width)}  ${r.detail}`);
    const count = (status: CheckStatus): number =>
      results.filter((r) => r.status === status).length;
    say(
      `${count('fail')} failed, ${count('warn')} warning(s): ${verdict === 'fail' ? 'NOT HEALTHY' : 'healthy'}`,
    );
  }
  if (verdict === 'fail') process.exitCode = EXIT.failure;
}
