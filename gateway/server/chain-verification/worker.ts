/**
 * The worker thread's entry: one verification of the job it was started with, answered as one
 * message. Started by in-worker.ts (through bin/ts-worker.js when the sources run as TypeScript).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyAuditFile, type ChainVerificationJob, type WorkerAnswer } from './verify-file.ts';

const { job } = workerData as { job: ChainVerificationJob };
let answer: WorkerAnswer;
try {
  answer = { ok: true, result: verifyAuditFile(job) };
} catch (error) {
  answer = { ok: false, reason: error instanceof Error ? error.message : 'unknown failure' };
}
parentPort?.postMessage(answer);
