/**
 * The verifier: checks an audit export (or the live store, fed the same way) line by line.
 *
 *  - every line is in the exporter's canonical form (no duplicate keys, no unknown fields, no
 *    line kind it does not know), so that no two readers of one file can see different things;
 *  - the signing certificate chains to the trusted CA and carries the audit-signing profile;
 *  - records follow each other without gaps (seq), each chains to the one before (prevHash),
 *    each hash matches its content, and time never goes backwards (except at a recorded clock
 *    correction, which says so);
 *  - every checkpoint's signature verifies, it sits right after the record it covers, and the
 *    Merkle root and last hash it signs match the records before it;
 *  - an export ends with a checkpoint covering its last record and a seal: a signature over the
 *    header (instance, time, certificates), the start marker and the record count, so that
 *    nothing in the file is unsigned; the live store's start marker is followed by the signed
 *    retention anchor instead;
 *  - a checkpoint may carry an RFC 3161 token; the tokens are checked after this pass, against the
 *    TSA's CA (audit/timestamps.ts), because that check is asynchronous;
 *  - anchors held outside the appliance (tree size and root from an earlier report, a SIEM, a
 *    note) must lie on the same tree: the root at that size is recomputed from the records, and
 *    a trail shorter than an anchor was cut.
 *
 * On failure it names the first bad sequence number and why.
 */
import { X509Certificate } from 'node:crypto';
import { canonicalJson } from './canonical.ts';
import {
  certificateKeyId,
  verifyCheckpointSignature,
  verifyTextSignature,
  type SignedCheckpoint,
} from './checkpoint.ts';
import { isIssuedBy, isSigningCertificateFor } from '../certs/verify.ts';
import { MerkleFrontier, type FrontierNode } from './merkle.ts';
import { canonicalBody, GENESIS_HASH, hashCanonicalBody } from './record.ts';
import { isClockCorrection, type AuditRecord } from './types.ts';

export const EXPORT_FORMAT = 'gerbang-audit-export/2';
/** What an export's seal signs: see `sealPayload`. */
export const SEAL_FORMAT = 'gerbang-export-seal/1';
/** Exports of earlier versions, whose header and start marker were not signed. */
const UNSIGNED_FORMATS = new Set(['gerbang-audit-export/1']);

export interface ExportHeader {
  readonly kind: 'header';
  readonly format: string;
  readonly instance: string;
  readonly exportedAt: string;
  readonly certificate: string;
  /** Signing certificates retired by rotations, oldest first; `certificate` is the current. */
  readonly previousCertificates?: readonly string[];
}

export interface ExportStart {
  readonly kind: 'start';
  readonly treeSize: number;
  readonly lastHash: string;
  readonly frontier: readonly FrontierNode[];
}

/** The last line of an export: the current audit key's signature over everything else. */
export interface ExportSeal {
  readonly kind: 'seal';
  readonly records: number;
  readonly keyId: string;
  readonly signature: string;
}

export type ExportLine =
  | ExportHeader
  | ExportStart
  | { readonly kind: 'record'; readonly record: AuditRecord }
  | {
      readonly kind: 'checkpoint';
      readonly checkpoint: SignedCheckpoint;
      /** Its RFC 3161 token (base64 DER), checked by audit/timestamps.ts. */
      readonly timestamp?: string;
    }
  | ExportSeal;

/** What the seal signs: the header as written, the start marker, the count and the tree head. */
export function sealPayload(content: {
  readonly header: ExportHeader;
  readonly start: ExportStart | undefined;
  readonly records: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly lastHash: string;
}): string {
  return canonicalJson({
    format: SEAL_FORMAT,
    // Interfaces lack an index signature; both are plain JSON (strings, numbers, arrays).
    header: { ...content.header },
    start:
      content.start === undefined
        ? null
        : { ...content.start, frontier: content.start.frontier.map((node) => ({ ...node })) },
    records: content.records,
    treeSize: content.treeSize,
    rootHash: content.rootHash,
    lastHash: content.lastHash,
  });
}

/** A tree head held outside the appliance: an earlier report's, a SIEM's, an evaluator's note. */
export interface TreeAnchor {
  readonly treeSize: number;
  readonly rootHash: string;
  /** Where it came from, for messages ("report 2026-S1", "--anchor"). */
  readonly source: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly records: number;
      readonly checkpoints: number;
      readonly treeSize: number;
      readonly rootHash: string;
      readonly unsealedRecords: number;
      /** Anchors found on this tree (the others are named in the warnings). */
      readonly anchorsConfirmed: number;
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      readonly records: number;
      readonly checkpoints: number;
      readonly firstBadSeq: number;
      readonly reason: string;
    };

export interface VerifyOptions {
  /** The CA that must have issued the signing certificate. Without it, only internal consistency is checked. */
  readonly caCertificatePem?: string;
  /**
   * An export: it must end with a checkpoint over its last record and a seal. The live store may
   * have unsealed records, and its start marker is the signed retention anchor.
   */
  readonly requireFinalCheckpoint: boolean;
  /** Tree heads held outside the appliance; each must lie on this tree. */
  readonly anchors?: readonly TreeAnchor[];
}

class VerificationFailure extends Error {
  readonly seq: number;
  constructor(seq: number, reason: string) {
    super(reason);
    this.seq = seq;
  }
}

/** A line that is not in the exporter's canonical form: its position and what is wrong. */
export class ExportLineError extends SyntaxError {
  readonly line: number;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.line = line;
  }
}

/** Parses a signing certificate of the header and checks it is an audit signer of the CA. */
function signingCertificate(
  pem: string,
  options: VerifyOptions,
  warnings: string[],
): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new VerificationFailure(1, 'the signing certificate cannot be parsed');
  }
  if (!isSigningCertificateFor(certificate, 'audit'))
    throw new VerificationFailure(1, 'the signing certificate is not an audit signing certificate');
  const unchecked = 'the signing certificate was not checked against a CA';
  if (options.caCertificatePem === undefined) {
    if (!warnings.includes(unchecked)) warnings.push(unchecked);
  } else {
    const ca = new X509Certificate(options.caCertificatePem);
    if (!isIssuedBy(certificate, ca))
      throw new VerificationFailure(1, 'the signing certificate was not issued by the trusted CA');
  }
  return certificate;
}

export function verifyExport(lines: Iterable<ExportLine>, options: VerifyOptions): VerifyResult {
  /** Signers by key id, in the order of their use: a key never signs after its successor. */
  let signers = new Map<string, { certificate: X509Certificate; order: number }>();
  let lastSignerOrder = 0;
  let currentSignerOrder = 0;
  let header: ExportHeader | undefined;
  let start: ExportStart | undefined;
  /** A start marker is trusted once a signature covers it: the checkpoint right after, or the seal. */
  let startUnsigned = false;
  let sealed = false;
  let treeSize = 0;
  let lastHash = GENESIS_HASH;
  let lastTime = '';
  let frontier = new MerkleFrontier();
  let records = 0;
  let checkpoints = 0;
  let sealedThrough = 0;
  let anchorsConfirmed = 0;
  const anchors = [...(options.anchors ?? [])].sort((a, b) => a.treeSize - b.treeSize);
  const warnings: string[] = [];
  /** Compares the tree as it stands with every anchor of its size. */
  const checkAnchors = (): void => {
    for (const anchor of anchors) {
      if (anchor.treeSize !== treeSize) continue;
      if (anchor.rootHash !== frontier.root().toString('hex'))
        throw new VerificationFailure(
          treeSize,
          `the trail is not the one anchored by ${anchor.source} at tree size ${anchor.treeSize}: its root differs (records up to ${anchor.treeSize} were changed or replaced)`,
        );
      anchorsConfirmed++;
    }
  };
  try {
    let first = true;
    for (const line of lines) {
      if (first && line.kind !== 'header')
        throw new VerificationFailure(1, 'the export does not start with a header');
      first = false;
      if (sealed) throw new VerificationFailure(treeSize + 1, 'a line after the seal');
      if (startUnsigned && line.kind !== 'checkpoint' && !options.requireFinalCheckpoint)
        throw new VerificationFailure(
          treeSize + 1,
          'the start marker is not followed by the signed checkpoint of its tree size',
        );
      switch (line.kind) {
        case 'header': {
          if (header !== undefined) throw new VerificationFailure(treeSize + 1, 'a second header');
          if (UNSIGNED_FORMATS.has(line.format))
            throw new VerificationFailure(
              1,
              `format ${line.format} leaves its header and start marker unsigned; export the trail again with this version`,
            );
          if (line.format !== EXPORT_FORMAT)
            throw new VerificationFailure(1, `unknown format ${line.format}`);
          header = line;
          const chain = [...(line.previousCertificates ?? []), line.certificate].map((pem) =>
            signingCertificate(pem, options, warnings),
          );
          currentSignerOrder = chain.length - 1;
          signers = new Map(
            chain.map((signer, order) => [
              certificateKeyId(signer),
              { certificate: signer, order },
            ]),
          );
          break;
        }
        case 'start': {
          if (records > 0 || treeSize > 0 || start !== undefined)
            throw new VerificationFailure(treeSize + 1, 'a start marker after records');
          try {
            frontier = MerkleFrontier.fromNodes(line.frontier);
          } catch {
            throw new VerificationFailure(
              line.treeSize + 1,
              'the start marker has an invalid Merkle frontier',
            );
          }
          if (frontier.size !== line.treeSize)
            throw new VerificationFailure(
              line.treeSize + 1,
              'the start marker frontier does not match its size',
            );
          start = line;
          startUnsigned = true;
          treeSize = line.treeSize;
          lastHash = line.lastHash;
          sealedThrough = treeSize;
          for (const anchor of anchors)
            if (anchor.treeSize < treeSize)
              warnings.push(
                `${anchor.source} (tree size ${anchor.treeSize}) precedes this export's first record ${treeSize + 1}: not checked here`,
              );
          checkAnchors();
          break;
        }
        case 'record': {
          const { hash, ...body } = line.record;
          const expected = treeSize + 1;
          if (body.seq !== expected) {
            throw new VerificationFailure(
              expected,
              body.seq > expected
                ? `record ${expected} is missing (the next record is ${body.seq})`
                : `record ${body.seq} is out of order or duplicated`,
            );
          }
          if (body.prevHash !== lastHash)
            throw new VerificationFailure(
              expected,
              'the chain is broken: prevHash does not match the previous record',
            );
          if (hashCanonicalBody(canonicalBody(body)) !== hash)
            throw new VerificationFailure(
              expected,
              'the record was altered: its hash does not match its content',
            );
          // Time goes back only where an administrator corrected a clock that had run ahead,
          // and the record says so (gateway/services/admin/clock.ts).
          if (body.time < lastTime && !isClockCorrection(body))
            throw new VerificationFailure(expected, 'time goes backwards');
          frontier.append(Buffer.from(hash, 'hex'));
          treeSize = expected;
          lastHash = hash;
          lastTime = body.time;
          records++;
          checkAnchors();
          break;
        }
        case 'checkpoint': {
          const checkpoint = line.checkpoint;
          const signer = signers.get(checkpoint.keyId);
          if (signer === undefined || !verifyCheckpointSignature(checkpoint, signer.certificate)) {
            throw new VerificationFailure(
              checkpoint.treeSize,
              'the checkpoint signature does not verify',
            );
          }
          if (checkpoint.instance !== header?.instance)
            throw new VerificationFailure(
              checkpoint.treeSize,
              'a checkpoint of another instance than the header names',
            );
          // A retired key may have leaked: it is trusted only for what it signed before its
          // successor took over.
          if (signer.order < lastSignerOrder)
            throw new VerificationFailure(
              checkpoint.treeSize,
              'a checkpoint is signed with a retired key after its successor',
            );
          lastSignerOrder = signer.order;
          if (checkpoint.treeSize > treeSize)
            throw new VerificationFailure(
              treeSize + 1,
              `records ${treeSize + 1}..${checkpoint.treeSize} covered by a signed checkpoint are missing`,
            );
          if (checkpoint.treeSize < treeSize)
            throw new VerificationFailure(
              checkpoint.treeSize + 1,
              'a checkpoint is out of place (records were reordered or inserted)',
            );
          if (
            checkpoint.rootHash !== frontier.root().toString('hex') ||
            checkpoint.lastHash !== lastHash
          ) {
            throw new VerificationFailure(
              treeSize,
              'the records do not match the signed checkpoint (Merkle root differs)',
            );
          }
          startUnsigned = false;
          checkpoints++;
          sealedThrough = treeSize;
          break;
        }
        case 'seal': {
          if (header === undefined) throw new VerificationFailure(1, 'a seal without a header');
          const current = [...signers.values()].find((s) => s.order === currentSignerOrder);
          const payload = sealPayload({
            header,
            start,
            records: line.records,
            treeSize,
            rootHash: frontier.root().toString('hex'),
            lastHash,
          });
          if (current === undefined || !verifyTextSignature(payload, line, current.certificate))
            throw new VerificationFailure(
              treeSize,
              'the seal does not verify: the header, the start marker or the record count was changed, or it is not signed with the current key',
            );
          if (line.records !== records)
            throw new VerificationFailure(
              treeSize,
              `the seal counts ${line.records} records, the export holds ${records}`,
            );
          sealed = true;
          startUnsigned = false;
          break;
        }
        default:
          throw new VerificationFailure(
            treeSize + 1,
            `a line of an unknown kind (${String((line as { kind?: unknown }).kind)})`,
          );
      }
    }
    if (first) throw new VerificationFailure(1, 'the export is empty');
    if (startUnsigned)
      throw new VerificationFailure(
        treeSize + 1,
        'the start marker is not covered by a signature (no checkpoint after it, no seal)',
      );
    if (options.requireFinalCheckpoint) {
      if (records === 0) throw new VerificationFailure(1, 'the export holds no records');
      if (sealedThrough !== treeSize)
        throw new VerificationFailure(
          sealedThrough + 1,
          'the export does not end with a checkpoint covering its last record',
        );
      if (lastSignerOrder !== currentSignerOrder)
        throw new VerificationFailure(treeSize, 'the export is not sealed with the current key');
      if (!sealed)
        throw new VerificationFailure(
          treeSize,
          'the export has no seal (it was cut short, or lines were removed from its end)',
        );
    }
    const beyond = anchors.find((anchor) => anchor.treeSize > treeSize);
    if (beyond !== undefined)
      throw new VerificationFailure(
        treeSize + 1,
        `the trail ends at record ${treeSize} but ${beyond.source} anchored tree size ${beyond.treeSize}: records ${treeSize + 1}..${beyond.treeSize} were cut off`,
      );
  } catch (error) {
    if (error instanceof VerificationFailure)
      return { ok: false, records, checkpoints, firstBadSeq: error.seq, reason: error.message };
    // A line that is not JSON, not in canonical form, or lacks the fields of its kind.
    if (error instanceof SyntaxError || error instanceof TypeError) {
      return {
        ok: false,
        records,
        checkpoints,
        firstBadSeq: treeSize + 1,
        reason:
          error instanceof ExportLineError
            ? `a line of the export is malformed (${error.message})`
            : 'a line of the export is malformed',
      };
    }
    throw error;
  }
  return {
    ok: true,
    records,
    checkpoints,
    treeSize,
    rootHash: frontier.root().toString('hex'),
    unsealedRecords: treeSize - sealedThrough,
    anchorsConfirmed,
    warnings,
  };
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
