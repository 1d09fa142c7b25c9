/**
 * One verification at a time: a request while a run is under way joins it (the verifier is
 * called once), the outcome is kept for the page, and a verifier that fails gives a `failed`
 * outcome rather than a rejection.
 */
import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../../audit/index.ts';
import { ChainVerification } from './chain-verification.ts';

const INTACT: VerifyResult = {
  ok: true,
  records: 3,
  checkpoints: 1,
  treeSize: 3,
  rootHash: 'ab',
  unsealedRecords: 0,
  anchorsConfirmed: 0,
  warnings: [],
};

function deferred() {
  let resolve: (result: VerifyResult) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<VerifyResult>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('ChainVerification', () => {
  it('runs the verifier once for requests that arrive while it runs, and keeps the outcome', async () => {
    const pending = deferred();
    let calls = 0;
    const verification = new ChainVerification(
      () => {
        calls++;
        return pending.promise;
      },
      () => Date.parse('2026-12-02T10:00:00Z'),
    );
    const first = verification.start();
    const second = verification.start();
    expect([first.joined, second.joined]).toEqual([false, true]);
    expect(verification.running()).toEqual({ startedAt: '2026-12-02T10:00:00.000Z' });
    expect(calls).toBe(1);
    pending.resolve(INTACT);
    const [a, b] = await Promise.all([first.outcome, second.outcome]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ kind: 'verified', result: INTACT });
    expect(verification.running()).toBeUndefined();
    expect(verification.last()).toEqual(a);
    verification.start();
    expect(calls).toBe(2);
  });

  it('turns a failing verifier (rejecting or throwing) into a failed outcome, and frees the slot', async () => {
    const rejecting = deferred();
    const verification = new ChainVerification(() => rejecting.promise, Date.now);
    const run = verification.start();
    rejecting.reject(new Error('worker stopped'));
    expect(await run.outcome).toMatchObject({ kind: 'failed', reason: 'worker stopped' });
    expect(verification.running()).toBeUndefined();
    const throwing = new ChainVerification(() => {
      throw new Error('no thread');
    }, Date.now);
    expect(await throwing.start().outcome).toMatchObject({ kind: 'failed', reason: 'no thread' });
  });
});
