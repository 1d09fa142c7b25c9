/**
 * What the SIEM forwarder follows in the audit store: the records after its durable cursor
 * `siem`, and the signed checkpoints after `siem-checkpoints`. One definition, so that the
 * gateway (adapters.ts) and the SIEM suite (test/siem.test.ts) forward from the store alike.
 */
import type { SyslogForwarderOptions } from '../../adapters/syslog/index.ts';
import type { SqliteAuditStore } from '../../audit/store/index.ts';

export function siemFeed(
  auditStore: SqliteAuditStore,
): Pick<SyslogForwarderOptions, 'cursor' | 'readRecords' | 'checkpoints'> {
  return {
    cursor: auditStore.cursor('siem'),
    readRecords: (after, limit) => [...auditStore.records(after + 1, after + limit)],
    checkpoints: {
      cursor: auditStore.cursor('siem-checkpoints'),
      read: (from, to) => auditStore.checkpoints(from, to),
    },
  };
}
