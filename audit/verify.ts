/**
 * The verifier: checks an audit export (or the live store, fed the same way) line by line.
 *
 *  - the signing certificate chains to the trusted CA and is meant for audit signing;
 *  - records follow each other without gaps (seq), each chains to the one before (prevHash),
 *    each hash matches its content, and time never goes backwards;
 *  - every checkpoint's signature verifies, it sits right after the record it covers, and the
 *    Merkle root and last hash it signs match the records before it;
 *  - an export ends with a checkpoint covering its last record, so that records deleted from the
 *    end are detected too.
 *
 * On failure it names the first bad sequence number and why.
 */
import { X509Certificate } from 'node:crypto';
import {
  certificateKeyId,
  verifyCheckpointSignature,
  type SignedCheckpoint,
} from './checkpoint.ts';
import { AUDIT_SIGNING_EKU, hasExtendedKeyUsage, isIssuedBy } from '../certs/verify.ts';
import { MerkleFrontier, type FrontierNode } from './merkle.ts';
import { canonicalBody, GENESIS_HASH, hashCanonicalBody } from './record.ts';
import type { AuditRecord } from './types.ts';

export const EXPORT_FORMAT = 'gerbang-audit-export/1';

export type ExportLine =
  | {
      readonly kind: 'header';
      readonly format: string;
      readonly instance: string;
      readonly exportedAt: string;
      readonly certificate: string;
      /** Signing certificates retired by rotations, oldest first; `certificate` is the current. */
      readonly previousCertificates?: readonly string[];
    }
  | {
      readonly kind: 'start';
      readonly treeSize: number;
      readonly lastHash: string;
      readonly frontier: readonly FrontierNode[];
    }
  | { readonly kind: 'record'; readonly record: AuditRecord }
  | { readonly kind: 'checkpoint'; readonly checkpoint: SignedCheckpoint };

export type VerifyResult =
  | {
      readonly ok: true;
      readonly records: number;
      readonly checkpoints: number;
      readonly treeSize: number;
      readonly rootHash: string;
      readonly unsealedRecords: number;
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
  /** Exports must end with a checkpoint over their last record; the live store may have unsealed records. */
  readonly requireFinalCheckpoint: boolean;
}

class VerificationFailure extends Error {
  readonly seq: number;
  constructor(seq: number, reason: string) {
    super(reason);
    this.seq = seq;
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
  if (!hasExtendedKeyUsage(certificate, AUDIT_SIGNING_EKU))
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
  let treeSize = 0;
  let lastHash = GENESIS_HASH;
  let lastTime = '';
  let frontier = new MerkleFrontier();
  let records = 0;
  let checkpoints = 0;
  let sealedThrough = 0;
  const warnings: string[] = [];
  try {
    let first = true;
    for (const line of lines) {
      if (first && line.kind !== 'header')
        throw new VerificationFailure(1, 'the export does not start with a header');
      first = false;
      switch (line.kind) {
        case 'header': {
          if (signers.size > 0) throw new VerificationFailure(treeSize + 1, 'a second header');
          if (line.format !== EXPORT_FORMAT)
            throw new VerificationFailure(1, `unknown format ${line.format}`);
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
          if (records > 0 || treeSize > 0)
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
          treeSize = line.treeSize;
          lastHash = line.lastHash;
          sealedThrough = treeSize;
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
          if (body.time < lastTime) throw new VerificationFailure(expected, 'time goes backwards');
          frontier.append(Buffer.from(hash, 'hex'));
          treeSize = expected;
          lastHash = hash;
          lastTime = body.time;
          records++;
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
          checkpoints++;
          sealedThrough = treeSize;
          break;
        }
      }
    }
    if (first) throw new VerificationFailure(1, 'the export is empty');
    if (options.requireFinalCheckpoint && sealedThrough !== treeSize) {
      throw new VerificationFailure(
        sealedThrough + 1,
        'the export does not end with a checkpoint covering its last record',
      );
    }
    if (options.requireFinalCheckpoint && checkpoints > 0 && lastSignerOrder !== currentSignerOrder)
      throw new VerificationFailure(treeSize, 'the export is not sealed with the current key');
  } catch (error) {
    if (error instanceof VerificationFailure)
      return { ok: false, records, checkpoints, firstBadSeq: error.seq, reason: error.message };
    // A line that is not JSON, or lacks the fields of its kind, is a damaged export.
    if (error instanceof SyntaxError || error instanceof TypeError) {
      return {
        ok: false,
        records,
        checkpoints,
        firstBadSeq: treeSize + 1,
        reason: 'a line of the export is malformed',
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
    warnings,
  };
}

/** Parses JSON Lines; a line that is not an export line fails verification at its position. */
export function* parseExportLines(text: string): Generator<ExportLine> {
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const parsed = JSON.parse(raw) as ExportLine;
    yield parsed;
  }
}
