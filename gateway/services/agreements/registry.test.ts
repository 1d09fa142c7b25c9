/**
 * The registry's pacing: a change written to state.db by another process (the CLI) is read at
 * the first access half a second or more after the last read, and not before. The clock is the
 * test's own, so that no test waits for the half second to pass. `governing`, kept between the
 * instants at which the terms change, answers what an uncached computation does at every such
 * instant and its neighbours, asked forward, backward (a clock set back) and out of order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { InMemoryAuditTrail } from '../../../audit/memory.ts';
import { agreementInForce, agreementServes, nextStateChange } from '../../../policies/index.ts';
import { AdminActions } from '../admin/admin-actions.ts';
import { PolicyRegistry, type Agreement } from './registry.ts';

const dir = fileTempDir('gerbang-registry-');
const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);

describe('PolicyRegistry', () => {
  it('reads a change made by another process half a second after its last read, not before', () => {
    const path = join(dir, 'state.db');
    const clock = { now: 5_000 };
    const state = new StateDb(path);
    const registry = new PolicyRegistry(config, state, undefined, () => clock.now);
    expect(registry.clientStatus('app-kasir')).toBeUndefined();
    const cli = new StateDb(path);
    cli.setClientStatus('app-kasir', true, 'audit', new Date('2026-01-15T03:00:00Z'));
    cli.close();
    clock.now += 499;
    expect(registry.clientStatus('app-kasir')).toBeUndefined();
    clock.now += 1;
    expect(registry.clientStatus('app-kasir')).toMatchObject({ suspended: true });
    state.close();
  });
});

describe('PolicyRegistry.governing, kept between state changes', () => {
  const ADMIN = { id: 'admin-1', role: 'admin', certificateFingerprint: '-' } as const;
  const HASH = 'c0ffee'.padEnd(64, '0');

  /** A state database of its own, the registry over it, and the admin actions that change it. */
  function services(file: string) {
    const state = new StateDb(join(dir, file));
    const registry = new PolicyRegistry(config, state, undefined, () => 0);
    const admin = new AdminActions({ config, registry, state, audit: new InMemoryAuditTrail() });
    return { state, registry, admin };
  }

  /** Every instant at which any stored or configured term changes, each with its neighbours. */
  function instantsAround(agreements: readonly Agreement[]): number[] {
    const instants: number[] = [];
    for (let at = -1e15; ;) {
      const next = nextStateChange(agreements, at);
      if (next === undefined) break;
      instants.push(next - 1, next, next + 1);
      at = next;
    }
    return instants;
  }

  it('answers, at every instant and in any order of asking, what an uncached computation does', async () => {
    const { state, registry, admin } = services('governing.db');
    const at = Date.parse('2026-03-01T02:00:00Z');
    await admin.suspendAgreement(
      { principal: ADMIN, now: at },
      { number: DEMO_AGREEMENT.number, reason: 'kebijakan pemerintah' },
    );
    await admin.resumeAgreement(
      { principal: ADMIN, now: at + 86_400_000 },
      { number: DEMO_AGREEMENT.number, note: 'banjir surut' },
    );
    await admin.addInstrument(
      { principal: ADMIN, now: at },
      {
        agreement: DEMO_AGREEMENT.number,
        kind: 'addendum',
        number: '400.12.4.3/1/ADD/2026',
        signedOn: '2026-02-28',
        effectiveOn: '2026-06-01',
        sha256: HASH,
        elements: ['nik', 'nama_lengkap', 'alamat'],
      },
    );
    const agreements = registry.agreements();
    const instants = instantsAround(agreements);
    // Start, addendum, suspension, resumption, notice, end: each with its neighbours.
    expect(instants.length).toBeGreaterThanOrEqual(18);
    // Forward, backward (a clock set back), then in a fixed shuffle.
    let seed = 7;
    const shuffled = [...instants].sort(() => ((seed = (seed * 16807) % 2147483647) % 3) - 1);
    const states = new Set<string>();
    for (const now of [...instants, ...[...instants].reverse(), ...shuffled]) {
      const expected = agreementInForce(
        agreements.filter((agreement) => agreementServes(agreement, 'app-pendaftaran')),
        now,
      );
      const answer = registry.governing('app-pendaftaran', now);
      expect({ now, state: answer?.state, terms: answer?.terms }).toEqual({
        now,
        state: expected?.state,
        terms: expected?.terms,
      });
      states.add(`${String(answer?.state)} ${String(answer?.terms.elements.length)}`);
    }
    // The sweep crossed every kind of state and both sets of elements.
    expect([...states].sort()).toEqual(
      expect.arrayContaining(['active 9', 'active 3', 'suspended 9', 'expiring 3', 'expired 3']),
    );
    state.close();
  });

  it('is asked again when state.db changes (a termination at once, not at the next state change)', async () => {
    const { state, registry, admin } = services('governing-terminated.db');
    const now = Date.parse('2026-03-01T02:00:00Z');
    expect(registry.governing('app-pendaftaran', now)?.state).toBe('active');
    await admin.terminate(
      { principal: ADMIN, now },
      { number: DEMO_AGREEMENT.number, reason: 'obligations_unmet' },
    );
    expect(registry.governing('app-pendaftaran', now + 1)?.state).toBe('terminated');
    state.close();
  });
});
