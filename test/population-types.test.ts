/**
 * The no-retention invariant as types: element values (PopulationText) cannot be written into the
 * audit trail's fields or the outbox's metadata. Each `@ts-expect-error` below must stay an error;
 * `npm test` type-checks this file, so if the protection ever goes, the build fails.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/index.ts';
import type { Outbox } from '../adapters/sqlite/port.ts';
import { CANARY_RESIDENTS } from '../adapters/dukcapil-sim/canaries.ts';
import { normaliseUpstreamRecord, projectGrantedFields } from '../policies/allowlist.ts';

describe('population data in the type system', () => {
  it('cannot be stored as audit or outbox text, but can be hashed, compared and released', () => {
    const { record } = normaliseUpstreamRecord(CANARY_RESIDENTS['6474015709900001'] ?? {});
    const name = record.nama_lengkap ?? ('' as NonNullable<typeof record.nama_lengkap>);
    const events: AuditEvent[] = [
      // @ts-expect-error a resident's name cannot be an audit reference
      { type: 'lookup', outcome: 'success', reference: name },
      // @ts-expect-error nor an operator, a purpose or a detail value
      { type: 'lookup', outcome: 'success', detail: { name } },
      { type: 'lookup', outcome: 'success', reference: 'SURAT/2026/001' },
    ];
    const enqueue = (outbox: Outbox) =>
      outbox.enqueue({
        client: 'app',
        requestHash: 'h',
        subject: 's',
        nik: '6474015709900001',
        npwpd: '0001.07.02',
        jenisPajak: ['PBB_P2'],
        // @ts-expect-error the outbox metadata cannot hold an element value either
        reference: name,
        now: 0,
      });
    expect(typeof enqueue).toBe('function');
    expect(events).toHaveLength(3);
    // Reading, comparing and releasing remain possible.
    expect(name.startsWith('SITI')).toBe(true);
    expect(projectGrantedFields(record, ['nama_lengkap'])).toEqual({
      nama_lengkap: 'SITI KENARI RAHAYU',
    });
  });
});
