import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AuditRecord } from '../../audit/index.ts';
import { formatRfc5424, frameOctetCounted, parseOctetCounted } from './format.ts';

const record = (overrides: Partial<AuditRecord>): AuditRecord => ({
  seq: 7,
  time: '2026-01-15T03:00:00.000Z',
  type: 'lookup',
  outcome: 'success',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
  ...overrides,
});
const origin = { hostname: 'gerbang-01', appName: 'gerbang', procId: '42' };

describe('RFC 5424 formatting', () => {
  it.each([
    [{ type: 'lookup', outcome: 'success' }, 109],
    [{ type: 'lookup', outcome: 'denied' }, 108],
    [{ type: 'security', event: 'alert', outcome: 'alert' }, 108], // alerts reach the SIEM as warnings
    [{ type: 'lookup', outcome: 'error' }, 107],
  ] as const)('%o has priority %i (facility log audit)', (fields, priority) => {
    expect(
      formatRfc5424(record(fields), origin).startsWith(
        `<${priority}>1 2026-01-15T03:00:00.000Z gerbang-01 gerbang 42 `,
      ),
    ).toBe(true);
  });
  it('escapes structured-data values', () => {
    expect(formatRfc5424(record({ event: 'a"b]c\\' }), origin)).toContain('event="a\\"b\\]c\\\\"');
  });
  it('frames by octet count, also for multi-byte text, and parses back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1 }), { maxLength: 5 }),
        (messages) => {
          const stream = Buffer.concat(messages.map(frameOctetCounted));
          expect(parseOctetCounted(stream)).toEqual({ messages, rest: Buffer.alloc(0) });
        },
      ),
    );
  });
});
