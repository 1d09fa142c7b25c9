/**
 * RFC 5424 syslog messages for audit records, framed for TLS transport by octet counting
 * (RFC 5425 / RFC 6587): `LENGTH SP MESSAGE`. The message carries the record as JSON, so a SIEM
 * keeps everything, including the hashes that let it verify the chain itself.
 */
import type { AuditRecord, SignedCheckpoint } from '../../audit/index.ts';

/** RFC 5612 documentation enterprise number; a deployment may register its own. */
export const STRUCTURED_DATA_ID = 'gerbang@32473';
const FACILITY_LOG_AUDIT = 13;
const SEVERITY = { error: 3, warning: 4, notice: 5 } as const;

function severityOf(record: AuditRecord): number {
  if (record.outcome === 'error') return SEVERITY.error;
  if (record.outcome === 'denied' || record.outcome === 'ambiguous' || record.type === 'security')
    return SEVERITY.warning;
  return SEVERITY.notice;
}

/** SD-PARAM values escape '"', '\' and ']' (RFC 5424 6.3.3). */
const escapeParam = (value: string): string => value.replace(/["\\\]]/g, (c) => `\\${c}`);
/** Header fields are printable US-ASCII without spaces. */
const headerToken = (value: string, max: number): string =>
  value.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';

export function formatRfc5424(
  record: AuditRecord,
  origin: { hostname: string; appName: string; procId: string },
): string {
  const priority = FACILITY_LOG_AUDIT * 8 + severityOf(record);
  const params = [
    `seq="${record.seq}"`,
    `type="${escapeParam(record.type)}"`,
    `outcome="${escapeParam(record.outcome)}"`,
    `hash="${record.hash}"`,
  ];
  if (record.event !== undefined) params.push(`event="${escapeParam(record.event)}"`);
  return `<${priority}>1 ${record.time} ${headerToken(origin.hostname, 255)} ${headerToken(origin.appName, 48)} ${headerToken(origin.procId, 128)} ${headerToken(record.type, 32)} [${STRUCTURED_DATA_ID} ${params.join(' ')}] ${JSON.stringify(record)}`;
}

/**
 * A signed checkpoint as its own message (MSGID `checkpoint`), so that the SIEM holds tree heads
 * the appliance cannot take back: `gerbang audit verify --anchor-siem` reads them from a SIEM
 * export, and a trail cut below one of them fails verification.
 */
export function formatCheckpointRfc5424(
  checkpoint: SignedCheckpoint,
  origin: { hostname: string; appName: string; procId: string },
): string {
  const priority = FACILITY_LOG_AUDIT * 8 + SEVERITY.notice;
  const params = [
    `treeSize="${checkpoint.treeSize}"`,
    `rootHash="${checkpoint.rootHash}"`,
    `keyId="${checkpoint.keyId}"`,
  ];
  return `<${priority}>1 ${checkpoint.time} ${headerToken(origin.hostname, 255)} ${headerToken(origin.appName, 48)} ${headerToken(origin.procId, 128)} checkpoint [${STRUCTURED_DATA_ID} ${params.join(' ')}] ${JSON.stringify({ checkpoint })}`;
}

export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Splits an octet-counted stream into messages; returns the messages and the unparsed rest. */
export function parseOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let offset = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, offset);
    if (space === -1) break;
    const lengthText = buffer.subarray(offset, space).toString('ascii');
    if (!/^[1-9][0-9]{0,8}$/.test(lengthText)) throw new Error('invalid octet-counted frame');
    const length = Number(lengthText);
    if (buffer.length < space + 1 + length) break;
    messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return { messages, rest: buffer.subarray(offset) };
}
