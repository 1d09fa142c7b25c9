/**
 * The server's chain verifier: each run in a worker thread of its own, which opens the audit
 * database read-only and verifies it (verify-file.ts), so that the event loop serves requests
 * meanwhile. A run costs a thread start (and, from TypeScript sources, their transpilation in
 * that thread): verification is asked for by a person, rarely, and one at a time
 * (gateway/services/audit-verification/). Closing ends any run under way.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { VerifyResult } from '../../../audit/index.ts';
import type { SqliteAuditStore } from '../../../audit/store/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { ChainVerifier } from '../../services/audit-verification/chain-verification.ts';
import type { ChainVerificationJob, WorkerAnswer } from './verify-file.ts';

/** Run from TypeScript sources (bin/gerbang.js, tests) or from the build (dist/, the image). */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const ENTRY = new URL(FROM_SOURCES ? './worker.ts' : './worker.js', import.meta.url);
/** A worker does not inherit the TypeScript loader its parent registered: this registers it. */
const TS_WORKER = new URL('../../../bin/ts-worker.js', import.meta.url);

export interface WorkerChainVerifier {
  readonly verify: ChainVerifier;
  /** Ends any run under way; later runs are refused. */
  close(): Promise<void>;
}

function startWorker(job: ChainVerificationJob): Worker {
  return FROM_SOURCES
    ? new Worker(TS_WORKER, { workerData: { entry: ENTRY.href, job } })
    : new Worker(ENTRY, { workerData: { job } });
}

export function workerChainVerifier(job: () => ChainVerificationJob): WorkerChainVerifier {
  const running = new Set<Worker>();
  let closed = false;
  const verify = (): Promise<VerifyResult> =>
    new Promise<VerifyResult>((resolve, reject) => {
      if (closed) {
        reject(new Error('the gateway is closing'));
        return;
      }
      const worker = startWorker(job());
      running.add(worker);
      // A verification under way does not keep a stopping process alive.
      worker.unref();
      let settled = false;
      const settle = (answer: WorkerAnswer): void => {
        if (settled) return;
        settled = true;
        running.delete(worker);
        if (answer.ok) resolve(answer.result);
        else reject(new Error(answer.reason));
      };
      worker.once('message', (answer: WorkerAnswer) => {
        settle(answer);
      });
      worker.once('error', (error) => {
        settle({ ok: false, reason: `the verification worker failed: ${error.message}` });
      });
      worker.once('exit', (code) => {
        settle({ ok: false, reason: `the verification worker stopped (exit code ${code})` });
      });
    });
  return {
    verify,
    close: async () => {
      closed = true;
      await Promise.all([...running].map((worker) => worker.terminate()));
    },
  };
}

/** The verifier of the gateway's own trail: its database, instance and signing certificates. */
export function auditChainVerifier(
  config: GerbangConfig,
  store: SqliteAuditStore,
  caCertificatePem: string,
): WorkerChainVerifier {
  // Read once, as the store read them when it opened (gateway/server/audit-store.ts).
  const certificatePem = readFileSync(config.audit.signingCertFile, 'utf8');
  const previousCertificatesPem = (config.audit.previousSigningCertFiles ?? []).map((path) =>
    readFileSync(path, 'utf8'),
  );
  return workerChainVerifier(() => ({
    databasePath: store.path,
    instance: config.instance.name,
    certificatePem,
    previousCertificatesPem,
    caCertificatePem,
    headSeq: store.size,
  }));
}
