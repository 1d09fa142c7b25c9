/**
 * `gerbang doctor [--json] [--credentials DIR]`: checks an instance and prints one line per check;
 * exits 1 when any check fails (warnings alone exit 0), so that it can gate a start or a timer.
 * The instance and its endpoints are found as by every command (GERBANG_* included).
 */
import { resolveInstance } from '../../config/instance.ts';
import { overall, runDoctor } from './checks.ts';
import { DEFAULT_THRESHOLDS, type CheckStatus } from './context.ts';
import { EXIT, say } from '../output.ts';

const LABEL: Readonly<Record<CheckStatus, string>> = {
  ok: 'ok  ',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'skip',
};

/** The environment's endpoint overrides in force, for the header line. */
function overridesInForce(overrides: ReturnType<typeof resolveInstance>['overrides']): string {
  const given = [
    overrides.host === undefined ? '' : `GERBANG_HOST=${overrides.host}`,
    overrides.port === undefined ? '' : `GERBANG_PORT=${String(overrides.port)}`,
    overrides.simulatorPort === undefined
      ? ''
      : `GERBANG_SIM_PORT=${String(overrides.simulatorPort)}`,
  ].filter((part) => part !== '');
  return given.length === 0 ? '' : ` (with ${given.join(', ')})`;
}

export async function doctorCommand(values: {
  json: boolean;
  credentials: string | undefined;
}): Promise<number> {
  if (values.credentials !== undefined) process.env['CREDENTIALS_DIRECTORY'] = values.credentials;
  const instance = resolveInstance();
  const results = await runDoctor({
    configPath: instance.configPath,
    dataDir: instance.dataDir,
    now: Date.now(),
    thresholds: DEFAULT_THRESHOLDS,
    overrides: instance.overrides,
  });
  const verdict = overall(results);
  if (values.json) {
    say(JSON.stringify({ verdict, checks: results }, null, 2));
  } else {
    say(`gerbang doctor: ${instance.configPath}${overridesInForce(instance.overrides)}`);
    const width = Math.max(...results.map((r) => r.check.length));
    for (const r of results) say(`  ${LABEL[r.status]}  ${r.check.padEnd(width)}  ${r.detail}`);
    const count = (status: CheckStatus): number =>
      results.filter((r) => r.status === status).length;
    say(
      `${count('fail')} failed, ${count('warn')} warning(s): ${verdict === 'fail' ? 'NOT HEALTHY' : 'healthy'}`,
    );
  }
  return verdict === 'fail' ? EXIT.failure : EXIT.ok;
}
