/**
 * The verifier's failure, the result it makes of one (or of a malformed line), and its check of
 * the header's signing certificates (parsed, an audit signer, issued by the trusted CA). Apart
 * from the pass over the lines (audit/verify.ts), which uses them, so that the pass holds only
 * the order and chaining of lines.
 */
import { X509Certificate } from 'node:crypto';
import { isIssuedBy, isSigningCertificateFor } from '../certs/verify.ts';
import type { VerifyOptions, VerifyResult } from './export-format.ts';
import { ExportLineError } from './export-lines.ts';

/** The first bad sequence number and why: the verifier's result when a check fails. */
export class VerificationFailure extends Error {
  readonly seq: number;
  constructor(seq: number, reason: string) {
    super(reason);
    this.seq = seq;
  }
}
/** Parses a signing certificate of the header and checks it is an audit signer of the CA. */
export function signingCertificate(
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

/**
 * What a failed pass returns: the first bad sequence number and why, for a failed check or a
 * malformed line; any other error is thrown on.
 */
export function failureResult(
  error: unknown,
  progress: { records: number; checkpoints: number; treeSize: number },
): VerifyResult {
  const { records, checkpoints, treeSize } = progress;
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
