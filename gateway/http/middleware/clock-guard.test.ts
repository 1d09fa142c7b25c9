/**
 * A wall clock behind the newest audit record, or one that jumped against the monotonic clock,
 * is not trusted: data requests are refused with 403 clock_untrusted (the data path records the
 * refusal), the operator is told by how much, and the handler never runs until the clock catches
 * up or an administrator acknowledges the jump.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../../audit/index.ts';
import { TEST_CERT_HEADER, headerConnection } from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { ClockMonitor } from '../../services/index.ts';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { auditDataPath } from './audit-data-path.ts';
import { clockGuard } from './clock-guard.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';

const START = Date.parse('2026-01-15T03:00:00Z');
const MAX_JUMP_MS = 300_000;
const connection = headerConnection();

function testApp() {
  const clock = { wall: START, monotonic: 0 };
  const monitor = new ClockMonitor(
    { wall: () => clock.wall, monotonic: () => clock.monotonic },
    MAX_JUMP_MS,
  );
  const trail = new InMemoryAuditTrail();
  const untrusted: (number | string)[] = [];
  let handled = 0;
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(
    principal({
      principals: demoConfig(0, 0, DEMO_AGREEMENT.signedOn).principals,
      connection,
      revocation: { status: () => Promise.resolve('good'), healthy: () => true },
    }),
  );
  app.post(
    '/v1/nik/lookup',
    auditDataPath({ type: 'lookup', trail, connection }),
    clockGuard({
      monitor,
      trail,
      now: () => clock.wall,
      // How far behind the trail, or which way the clock jumped and by how much.
      onUntrusted: ({ reason, ms }) => void untrusted.push(reason === 'jump' ? `jump ${ms}` : ms),
    }),
    (c) => {
      handled++;
      return c.json({ ok: true });
    },
  );
  app.onError(handleError);
  const lookup = async () => {
    const response = await app.request('/v1/nik/lookup', {
      method: 'POST',
      headers: { [TEST_CERT_HEADER]: 'app-kasir' },
    });
    const body = (await response.json()) as { error?: { code: string } };
    return [response.status, body.error?.code ?? 'ok'];
  };
  /** Time passes on both clocks. */
  const pass = (ms: number) => {
    clock.wall += ms;
    clock.monotonic += ms;
  };
  return { clock, monitor, trail, untrusted, lookup, pass, handled: () => handled };
}

describe('clockGuard', () => {
  it('lets a request through while the trail is empty or not ahead of the clock', async () => {
    const app = testApp();
    expect(await app.lookup()).toEqual([200, 'ok']);
    app.trail.newestTime = START;
    expect(await app.lookup()).toEqual([200, 'ok']);
    expect(app.handled()).toBe(2);
    expect(app.untrusted).toEqual([]);
  });

  it('refuses while the clock is behind the newest record, audited, and passes once it caught up', async () => {
    const app = testApp();
    app.trail.newestTime = START + 5_000;
    expect(await app.lookup()).toEqual([403, 'clock_untrusted']);
    expect(app.handled()).toBe(0);
    expect(app.untrusted).toEqual([5_000]);
    expect(app.trail.events).toEqual([
      expect.objectContaining({
        type: 'lookup',
        outcome: 'denied',
        errorCode: 'clock_untrusted',
        elementsReleased: [],
      }),
    ]);

    app.pass(4_999);
    expect(await app.lookup()).toEqual([403, 'clock_untrusted']);
    expect(app.untrusted).toEqual([5_000, 1]);
    app.pass(1);
    expect(await app.lookup()).toEqual([200, 'ok']);
    expect(app.handled()).toBe(1);
  });

  it('refuses after the wall clock jumped back against the monotonic clock, until acknowledged', async () => {
    const app = testApp();
    app.clock.wall -= MAX_JUMP_MS + 1;
    expect(await app.lookup()).toEqual([403, 'clock_untrusted']);
    expect(app.untrusted).toEqual([`jump ${-(MAX_JUMP_MS + 1)}`]);
    expect(app.trail.events.at(-1)).toMatchObject({ errorCode: 'clock_untrusted' });

    app.clock.wall += MAX_JUMP_MS + 1; // put right: the verdict stays until acknowledged
    expect(await app.lookup()).toEqual([403, 'clock_untrusted']);
    app.monitor.acknowledge();
    expect(await app.lookup()).toEqual([200, 'ok']);
  });

  it('refuses a forward jump too, and lets a small correction through', async () => {
    const app = testApp();
    app.clock.wall += 1_000;
    expect(await app.lookup()).toEqual([200, 'ok']);
    app.clock.wall += MAX_JUMP_MS + 1;
    expect(await app.lookup()).toEqual([403, 'clock_untrusted']);
    expect(app.untrusted).toEqual([`jump ${MAX_JUMP_MS + 1}`]);
  });
});
