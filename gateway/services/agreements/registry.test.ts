/**
 * The registry's pacing: a change written to state.db by another process (the CLI) is read at
 * the first access half a second or more after the last read, and not before. The clock is the
 * test's own, so that no test waits for the half second to pass.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { PolicyRegistry } from './registry.ts';

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
