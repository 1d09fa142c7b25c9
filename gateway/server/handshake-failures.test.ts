import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../audit/memory.ts';
import { HandshakeFailureAudit } from './handshake-failures.ts';

const summary = (trail: InMemoryAuditTrail) =>
  trail.events.map((e) => [e.event, e.sourceAddress, e.detail?.['reason'], e.detail?.['count']]);

describe('HandshakeFailureAudit', () => {
  it('records the first failure of a kind at once and the repeats of the window as one count', () => {
    const trail = new InMemoryAuditTrail();
    const failures = new HandshakeFailureAudit(trail);
    for (let i = 0; i < 500; i++) failures.record('10.1.2.3', 'ERR_TLS_HANDSHAKE_TIMEOUT');
    failures.record('10.1.2.3', 'ERR_SSL_UNSUPPORTED_PROTOCOL');
    failures.record('10.9.9.9', 'ERR_TLS_HANDSHAKE_TIMEOUT');
    expect(summary(trail)).toEqual([
      ['tls_handshake_refused', '10.1.2.3', 'ERR_TLS_HANDSHAKE_TIMEOUT', undefined],
      ['tls_handshake_refused', '10.1.2.3', 'ERR_SSL_UNSUPPORTED_PROTOCOL', undefined],
      ['tls_handshake_refused', '10.9.9.9', 'ERR_TLS_HANDSHAKE_TIMEOUT', undefined],
    ]);
    failures.flush();
    expect(summary(trail).slice(3)).toEqual([
      ['tls_handshake_refused_repeated', '10.1.2.3', 'ERR_TLS_HANDSHAKE_TIMEOUT', 499],
    ]);
    // A new window starts afresh.
    failures.record('10.1.2.3', 'ERR_TLS_HANDSHAKE_TIMEOUT');
    expect(trail.events).toHaveLength(5);
    // Stopping (the gateway shutting down) writes what the window had counted so far.
    failures.record('10.1.2.3', 'ERR_TLS_HANDSHAKE_TIMEOUT');
    failures.stop();
    expect(summary(trail).at(-1)).toEqual([
      'tls_handshake_refused_repeated',
      '10.1.2.3',
      'ERR_TLS_HANDSHAKE_TIMEOUT',
      1,
    ]);
  });

  it('keeps its memory and the trail bounded under failures from very many addresses', () => {
    const trail = new InMemoryAuditTrail();
    const failures = new HandshakeFailureAudit(trail);
    for (let i = 0; i < 50_000; i++) failures.record(`10.0.${i >> 8}.${i & 255}`, 'ECONNRESET');
    failures.flush();
    expect(trail.events.length).toBe(1024 + 1);
    expect(summary(trail).at(-1)).toEqual([
      'tls_handshake_refused_repeated',
      undefined,
      'many',
      50_000 - 1024,
    ]);
    failures.stop();
  });
});
