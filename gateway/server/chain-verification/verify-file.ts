/**
 * Verifies the audit database at a path through a connection of its own, opened read-only: the
 * same export lines the live store verifies itself through (audit/store/export.ts), checked by
 * the same verifier (audit/verify.ts). What the worker thread runs; callable in-process too, so
 * that a test can hold it against `SqliteAuditStore.verify`. The records are those held when the
 * run starts: records appended meanwhile are the next run's.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { CheckpointSigner } from '../../../audit/index.ts';
import { verifyExport, type VerifyResult } from '../../../audit/index.ts';
import { exportLines } from '../../../audit/store/export.ts';
import { AuditStoreReader } from '../../../audit/store/reader.ts';

/** What a verification needs, all of it plain data (it crosses to the worker thread). */
export interface ChainVerificationJob {
  readonly databasePath: string;
  readonly instance: string;
  /** The current audit signing certificate, and those retired by rotations, oldest first. */
  readonly certificatePem: string;
  readonly previousCertificatesPem: readonly string[];
  /** The CA that must have issued the signing certificates. */
  readonly caCertificatePem: string;
  /** The writer's newest sequence number when the run was asked for (for an empty store). */
  readonly headSeq: number;
}

/** The worker's one message. */
export type WorkerAnswer =
  | { readonly ok: true; readonly result: VerifyResult }
  | { readonly ok: false; readonly reason: string };

/** The export needs a signer only to seal, and a verification never seals: no key is handed over. */
function verifyingOnly(certificatePem: string): CheckpointSigner {
  const refuse = (): never => {
    throw new Error('a verification signs nothing');
  };
  return { certificatePem, sign: refuse, signText: refuse };
}

export function verifyAuditFile(job: ChainVerificationJob): VerifyResult {
  const db = new BetterSqlite3(job.databasePath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('query_only = ON');
    const lines = exportLines(
      {
        reader: new AuditStoreReader(db),
        instance: job.instance,
        signer: verifyingOnly(job.certificatePem),
        previousCertificatesPem: job.previousCertificatesPem,
        now: Date.now,
        headSeq: () => job.headSeq,
        seal: () => {
          throw new Error('a verification signs nothing');
        },
      },
      { sealWithFreshCheckpoint: false },
    );
    // As SqliteAuditStore.verify: the live trail may end with records not yet sealed.
    return verifyExport(lines, {
      requireFinalCheckpoint: false,
      caCertificatePem: job.caCertificatePem,
    });
  } finally {
    db.close();
  }
}
