/**
 * The strict reader of an export's JSON Lines: each line must be exactly what the exporter wrote,
 * with the fields of its kind and no other. Apart from the verifier (audit/verify.ts) because it
 * checks text, not the chain: the verifier is fed lines, from a file or from the live store.
 */
import type { ExportLine } from './export-format.ts';

/** A line that is not in the exporter's canonical form: its position and what is wrong. */
export class ExportLineError extends SyntaxError {
  readonly line: number;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.line = line;
  }
}
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The fields each line kind has, and may have; anything else is not the exporter's. */
const LINE_FIELDS: Readonly<Record<string, { required: string[]; optional: string[] }>> = {
  header: {
    required: ['kind', 'format', 'instance', 'exportedAt', 'certificate'],
    optional: ['previousCertificates'],
  },
  start: { required: ['kind', 'treeSize', 'lastHash', 'frontier'], optional: [] },
  record: { required: ['kind', 'record'], optional: [] },
  checkpoint: { required: ['kind', 'checkpoint'], optional: ['timestamp'] },
  seal: { required: ['kind', 'records', 'keyId', 'signature'], optional: [] },
};
const CHECKPOINT_FIELDS = [
  'instance',
  'treeSize',
  'rootHash',
  'lastHash',
  'time',
  'keyId',
  'signature',
];

function checkFields(
  value: unknown,
  required: string[],
  optional: string[],
  what: string,
): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${what} is not an object`;
  const keys = Object.keys(value);
  const unknown = keys.find((key) => !required.includes(key) && !optional.includes(key));
  if (unknown !== undefined) return `${what} has a field the exporter does not write (${unknown})`;
  const missing = required.find((key) => !keys.includes(key));
  if (missing !== undefined) return `${what} lacks ${missing}`;
  return undefined;
}

/**
 * Parses JSON Lines strictly. Each line must be exactly what the exporter writes
 * (`JSON.stringify` of the line): a duplicate key, which `JSON.parse` would silently resolve to
 * its last value while a person or another parser reads the first, changes the text and fails;
 * so do blank lines inside the file, unknown kinds and unknown fields.
 */
export function* parseExportLines(text: string): Generator<ExportLine> {
  const raws = text.split('\n');
  // One final newline ends the file; nothing else may be empty.
  if (raws.at(-1) === '') raws.pop();
  for (const [index, raw] of raws.entries()) {
    const number = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ExportLineError(number, 'not JSON');
    }
    if (JSON.stringify(parsed) !== raw)
      throw new ExportLineError(
        number,
        "not in the exporter's canonical form (a duplicate key, extra spaces or a changed encoding)",
      );
    const kind = (parsed as { kind?: unknown }).kind;
    const fields = typeof kind === 'string' ? LINE_FIELDS[kind] : undefined;
    if (fields === undefined)
      throw new ExportLineError(number, `unknown line kind ${JSON.stringify(kind)}`);
    const problem =
      checkFields(parsed, fields.required, fields.optional, `the ${String(kind)} line`) ??
      (kind === 'checkpoint'
        ? checkFields(
            (parsed as { checkpoint: unknown }).checkpoint,
            CHECKPOINT_FIELDS,
            [],
            'the checkpoint',
          )
        : undefined);
    if (problem !== undefined) throw new ExportLineError(number, problem);
    const timestamp = (parsed as { timestamp?: unknown }).timestamp;
    if (
      timestamp !== undefined &&
      (typeof timestamp !== 'string' || timestamp.length > 65_536 || !BASE64.test(timestamp))
    )
      throw new ExportLineError(number, 'the checkpoint time-stamp is not base64 DER');
    yield parsed as ExportLine;
  }
}
