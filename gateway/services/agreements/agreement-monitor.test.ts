/**
 * The agreement monitor's timer never ends the process: while state.db cannot be read, each
 * evaluation tells its listener, records nothing, and is tried again five seconds later; once the
 * file is mended, the next one records the state. Fake timers, so that no test waits the seconds.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { InMemoryAuditTrail } from '../../../audit/memory.ts';
import { StorageUnavailable } from '../../../adapters/sqlite/port.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { AgreementMonitor } from './agreement-monitor.ts';
import { PolicyRegistry } from './registry.ts';

const dir = fileTempDir('gerbang-monitor-');
const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
const DURING = Date.parse('2026-01-15T03:00:00Z');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AgreementMonitor', () => {
  it('retries every five seconds while state.db cannot be read, without throwing, until it can', async () => {
    const path = join(dir, 'state.db');
    writeFileSync(path, randomBytes(8192));
    const state = new StateDb(path, { retryMs: 0 });
    const registry = new PolicyRegistry(config, state);
    const audit = new InMemoryAuditTrail();
    const errors: unknown[] = [];
    const monitor = new AgreementMonitor(
      registry,
      audit,
      () => DURING,
      (error) => {
        errors.push(error);
      },
    );

    await monitor.start();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StorageUnavailable);
    expect(audit.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(errors).toHaveLength(2);

    rmSync(path); // mended: a fresh state.db is made on the next use
    await vi.advanceTimersByTimeAsync(5_000);
    expect(errors).toHaveLength(2);
    expect(audit.events.map((event) => event.event)).toContain('agreement_state');
    monitor.stop();
    state.close();
  });
});
