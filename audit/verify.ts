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
 * On failure it names the first bad sequence number and why. The export's format is
 * audit/export-format.ts, its strict line parser audit/export-lines.ts and the signing-certificate
 * check and the result of a failure audit/verify-signers.ts; the first two are re-exported here, so callers import as before.
 */
import type { X509Certificate } from 'node:crypto';
import { certificateKeyId, verifyCheckpointSignature, verifyTextSignature } from './checkpoint.ts';
import {
  EXPORT_FORMAT,
  sealPayload,
  UNSIGNED_FORMATS,
  type ExportHeader,
  type ExportLine,
  type ExportStart,
  type VerifyOptions,
  type VerifyResult,
} from './export-format.ts';
import { MerkleFrontier } from './merkle.ts';
import { canonicalBody, GENESIS_HASH, hashCanonicalBody } from './record.ts';
import { isClockCorrection } from './types.ts';
import { failureResult, signingCertificate, VerificationFailure } from './verify-signers.ts';

export * from './export-format.ts';
export { ExportLineError, parseExportLines } from './export-lines.ts';

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
    return failureResult(error, { records, checkpoints, treeSize });
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
