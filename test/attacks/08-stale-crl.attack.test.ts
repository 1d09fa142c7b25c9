/**
 * Attack 8: the CRL as a weapon. A client is revoked; someone who can write `server.crlFile` (an
 * operator's mistake, a restored backup, a hostile copy) puts the older, validly signed CRL back,
 * which would un-revoke it — while the gateway runs, and across a restart. Or nobody publishes a
 * CRL any more, and the gateway goes on using one past its nextUpdate (the clock, moved with
 * faketime, is the weapon). The defence: a CRL older than the newest applied (kept in state.db) is
 * refused, one past nextUpdate plus `server.crlGraceSeconds` is unusable; either way every client
 * is refused (fail closed), `/readyz` says not ready with the reason, `gerbang doctor` fails naming
 * the fix, an alert is recorded — and a CRL published afresh (`gerbang certs crl`) restores
 * service.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  disposeInstance,
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { stopChild } from '../helpers/processes.ts';
import { describeWithTools } from '../helpers/tools.ts';
import { environment, LIBFAKETIME } from './gateway-process.ts';
import { holdsWithin, probeUntil } from '../helpers/until.ts';
import {
  call,
  cli,
  lookup,
  startGatewayAt,
  stopGateway,
  storedRecords,
} from './gateway-process.ts';

/** The demo publishes CRLs valid 30 days; the grace is the default hour: 31 days is past both. */
const AHEAD_DAYS = 31;

/** A process on the instance whose wall clock starts 31 days after this one's (libfaketime). */
const aheadEnvironment = (dir: string): NodeJS.ProcessEnv => environment(dir, AHEAD_DAYS);

/** `gerbang serve` with the clock 31 days ahead, once it answers. */
async function startGatewayAhead(at: PreparedInstance): Promise<ChildProcess> {
  const child = spawnGerbang(['serve'], at.dir, { env: aheadEnvironment(at.dir) });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitForHealth(at.url, at.agent('officer-1'));
  } catch (error) {
    await stopChild(child, { signal: 'SIGKILL' });
    throw new Error(`${(error as Error).message}; it said: ${output}`);
  }
  return child;
}

/** A CLI command with the clock 31 days ahead. */
function cliAhead(at: PreparedInstance, args: readonly string[]) {
  const run = spawnSync(process.execPath, [GERBANG, ...args], {
    cwd: ROOT,
    env: aheadEnvironment(at.dir),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
beforeAll(async () => {
  instance = await prepareInstance();
});
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

const crlFile = (at: PreparedInstance) => join(at.dir, 'pki', 'crl.pem');

/** `/readyz` as the officer: the verdict and the revocation list's reason code. */
async function readiness(at: PreparedInstance) {
  const answer = await call(at, 'officer-1', '/readyz');
  const checks = answer.body['checks'] as { revocationList?: string } | undefined;
  return { status: answer.status, revocationList: checks?.revocationList };
}

/** Waits (the CRL is re-read within seconds) until `/readyz` reports `code`, and returns it. */
const readinessBecomes = (at: PreparedInstance, code: string) =>
  probeUntil(
    () => readiness(at),
    (seen) => seen.revocationList === code,
    { timeoutMs: 20_000 },
  );

/** The kasir app asking for something every principal may read (not a health probe). */
const kasir = (at: PreparedInstance) => call(at, 'app-kasir', '/openapi.json');

const alertsFor = (at: PreparedInstance, condition: string) =>
  storedRecords(at).filter(
    (r) =>
      r.event === 'alert' &&
      r.detail?.['rule'] === 'crl_unusable' &&
      r.detail['condition'] === condition,
  );

describeWithTools(
  'attack 08: copy an older CRL back to un-revoke a client, and let the CRL go stale',
  { libfaketime: LIBFAKETIME !== undefined },
  () => {
    it(
      'an older CRL is refused, running and after a restart; every client is refused until a fresh one is published',
      { timeout: 120_000 },
      async () => {
        const at = instance as PreparedInstance;
        gateway = await startGatewayAt(at);
        expect((await kasir(at)).status).toBe(200);
        const older = join(at.dir, 'crl-before-revocation.pem');
        copyFileSync(crlFile(at), older);

        expect(cli(at, ['certs', 'revoke', '--id', 'app-kasir']).status).toBe(0);
        const revoked = await probeUntil(
          () => kasir(at),
          (answer) => answer.status === 401,
          { timeoutMs: 20_000 },
        );
        expect(revoked.body.error?.code).toBe('unauthenticated');

        // The attack: the older, validly signed CRL (which does not list app-kasir) copied back.
        copyFileSync(older, crlFile(at));
        expect(await readinessBecomes(at, 'rolled_back')).toEqual({
          status: 503,
          revocationList: 'rolled_back',
        });
        expect((await kasir(at)).status).toBe(401);
        // Fail closed: nobody is authenticated on a CRL that is not in force.
        const everyone = await lookup(at, 'SURAT/2026/08-A');
        expect([everyone.status, everyone.body.error?.code]).toEqual([401, 'unauthenticated']);
        expect(
          await holdsWithin(() => alertsFor(at, 'rolled_back').length > 0, { timeoutMs: 20_000 }),
        ).toBe(true);
        const doctor = cli(at, ['doctor']);
        expect(doctor.status).toBe(1);
        expect(doctor.stdout).toMatch(
          /^ {2}FAIL {2}certificates .*older CRL .*than one the gateway has applied.*gerbang certs crl/m,
        );

        // Restarted with the older file still in place: state.db remembers the newest applied.
        await stopGateway(gateway);
        gateway = await startGatewayAt(at);
        expect(await readiness(at)).toEqual({ status: 503, revocationList: 'rolled_back' });
        expect((await kasir(at)).status).toBe(401);
        expect((await lookup(at, 'SURAT/2026/08-B')).status).toBe(401);

        // The fix doctor names: a fresh CRL. Service returns; app-kasir stays revoked.
        expect(cli(at, ['certs', 'crl']).status).toBe(0);
        expect(await readinessBecomes(at, 'ok')).toMatchObject({ revocationList: 'ok' });
        expect((await lookup(at, 'SURAT/2026/08-C')).status).toBe(200);
        const still = await kasir(at);
        expect([still.status, still.body.error?.code]).toEqual([401, 'unauthenticated']);
        await stopGateway(gateway);
        gateway = undefined;
      },
    );

    it(
      'a CRL past nextUpdate and the grace is unusable: not ready, every client refused, doctor fails; a fresh one restores service',
      { timeout: 120_000 },
      async () => {
        const at = instance as PreparedInstance;
        // No CRL published for a month: the gateway starts (its probes answer), but serves no one.
        gateway = await startGatewayAhead(at);
        expect(await readiness(at)).toEqual({ status: 503, revocationList: 'expired' });
        const refused = await lookup(at, 'SURAT/2026/08-D');
        expect([refused.status, refused.body.error?.code]).toEqual([401, 'unauthenticated']);
        expect(
          await holdsWithin(() => alertsFor(at, 'expired').length > 0, { timeoutMs: 20_000 }),
        ).toBe(true);
        const doctor = cliAhead(at, ['doctor']);
        expect(doctor.status).toBe(1);
        expect(doctor.stdout).toMatch(
          /^ {2}FAIL {2}certificates .*the CRL \(number \d+\) expired at .*every client is refused; publish a fresh CRL \(gerbang certs crl\)/m,
        );

        expect(cliAhead(at, ['certs', 'crl']).status).toBe(0);
        expect(await readinessBecomes(at, 'ok')).toEqual({ status: 200, revocationList: 'ok' });
        expect((await lookup(at, 'SURAT/2026/08-E')).status).toBe(200);
        expect(cliAhead(at, ['doctor']).stdout).toMatch(/^ {2}ok {4}certificates /m);
        expect(
          storedRecords(at).some(
            (r) => r.event === 'crl_usable' && typeof r.detail?.['crlNumber'] === 'string',
          ),
        ).toBe(true);
        await stopGateway(gateway);
        gateway = undefined;
      },
    );
  },
);
