/**
 * Signed checkpoints (tree heads, as in Certificate Transparency): the Merkle root over the chain
 * hashes of records 1..treeSize, the chain hash of record treeSize, the time and the instance,
 * signed with the audit key (ECDSA P-256, SHA-256) whose certificate the gateway CA issued.
 *
 *   signed = canonical JSON of {format, instance, treeSize, rootHash, lastHash, time}
 */
import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { sha256Fingerprint } from '../certs/verify.ts';
import { canonicalJson } from './canonical.ts';

export const CHECKPOINT_FORMAT = 'gerbang-checkpoint/1';

export interface CheckpointHead {
  readonly instance: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly lastHash: string;
  readonly time: string;
}

export interface SignedCheckpoint extends CheckpointHead {
  /** SHA-256 of the signing certificate (DER), hex: which key signed. */
  readonly keyId: string;
  /** DER ECDSA signature, base64. */
  readonly signature: string;
}

export function signedPayload(head: CheckpointHead): string {
  return canonicalJson({
    format: CHECKPOINT_FORMAT,
    instance: head.instance,
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    lastHash: head.lastHash,
    time: head.time,
  });
}

/**
 * What an RFC 3161 time-stamp of a checkpoint covers: the tree head and its signature, so that a
 * token proves this signed checkpoint (and every record under it) existed at the TSA's time.
 */
export const CHECKPOINT_TIMESTAMP_FORMAT = 'gerbang-checkpoint-timestamp/1';

export function timestampedBytes(checkpoint: SignedCheckpoint): Buffer {
  return Buffer.from(
    canonicalJson({
      format: CHECKPOINT_TIMESTAMP_FORMAT,
      instance: checkpoint.instance,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
      lastHash: checkpoint.lastHash,
      time: checkpoint.time,
      keyId: checkpoint.keyId,
      signature: checkpoint.signature,
    }),
  );
}

export function certificateKeyId(certificate: X509Certificate): string {
  return sha256Fingerprint(certificate.raw);
}

/** A signature over a text other than a tree head (an export's seal), by the same key. */
export interface TextSignature {
  readonly keyId: string;
  /** DER ECDSA signature, base64. */
  readonly signature: string;
}

export interface CheckpointSigner {
  readonly certificatePem: string;
  sign(head: CheckpointHead): SignedCheckpoint;
  signText(text: string): TextSignature;
}

export function createCheckpointSigner(
  privateKeyPem: string | Buffer,
  certificatePem: string,
): CheckpointSigner {
  const key: KeyObject = createPrivateKey(privateKeyPem);
  const certificate = new X509Certificate(certificatePem);
  if (!certificate.checkPrivateKey(key))
    throw new Error('the audit signing key does not match its certificate');
  const keyId = certificateKeyId(certificate);
  return {
    certificatePem,
    sign: (head) => ({
      ...head,
      keyId,
      signature: sign('sha256', Buffer.from(signedPayload(head)), key).toString('base64'),
    }),
    signText: (text) => ({
      keyId,
      signature: sign('sha256', Buffer.from(text), key).toString('base64'),
    }),
  };
}

/** Verifies a checkpoint's signature with `certificate`; false on any mismatch. */
export function verifyCheckpointSignature(
  checkpoint: SignedCheckpoint,
  certificate: X509Certificate,
): boolean {
  return verifyTextSignature(signedPayload(checkpoint), checkpoint, certificate);
}

/** Verifies a signature over `text` with `certificate`; false on any mismatch. */
export function verifyTextSignature(
  text: string,
  signed: TextSignature,
  certificate: X509Certificate,
): boolean {
  if (signed.keyId !== certificateKeyId(certificate)) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(text),
      certificate.publicKey,
      Buffer.from(signed.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
