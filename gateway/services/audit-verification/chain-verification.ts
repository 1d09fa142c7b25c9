/**
 * Verifying the whole audit chain on request, one run at a time. Verification reads every record
 * and every checkpoint signature, and grows with the trail (about 0.6 s at 27,000 records): it
 * must not run on the event loop, where it would hold every data request meanwhile, nor run
 * twice at once because two officers (or one impatient one) asked. The verifier given here runs
 * elsewhere (the server's is a worker thread over a read-only connection,
 * gateway/server/chain-verification/); this service only keeps it single: a request while a run
 * is under way joins that run, and the last outcome is kept for the officer's page.
 */
import type { VerifyResult } from '../../../audit/index.ts';

/** Runs one verification of the whole stored trail, off the event loop. */
export type ChainVerifier = () => Promise<VerifyResult>;

/** How a run ended: the verifier's answer, or why there is none (the worker failed). */
export type VerificationOutcome =
  | {
      readonly kind: 'verified';
      readonly result: VerifyResult;
      readonly startedAt: string;
      readonly finishedAt: string;
    }
  | {
      readonly kind: 'failed';
      readonly reason: string;
      readonly startedAt: string;
      readonly finishedAt: string;
    };

/** What the officer's page shows of the chain: a run under way, or the last one's outcome. */
export type ChainView =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly startedAt: string }
  | { readonly state: 'done'; readonly outcome: VerificationOutcome };

export interface VerificationRun {
  /** Settles with the run's outcome; never rejects. */
  readonly outcome: Promise<VerificationOutcome>;
  /** False when this call started the run, true when it joined one already under way. */
  readonly joined: boolean;
  readonly startedAt: string;
}

export class ChainVerification {
  private readonly verifier: ChainVerifier;
  private readonly now: () => number;
  private current: VerificationRun | undefined;
  private latest: VerificationOutcome | undefined;

  constructor(verifier: ChainVerifier, now: () => number) {
    this.verifier = verifier;
    this.now = now;
  }

  /** Starts a run, or joins the one under way. */
  start(): VerificationRun {
    if (this.current !== undefined) return { ...this.current, joined: true };
    const startedAt = new Date(this.now()).toISOString();
    const finished = (
      outcome:
        | { readonly kind: 'verified'; readonly result: VerifyResult }
        | { readonly kind: 'failed'; readonly reason: string },
    ): VerificationOutcome => {
      const complete = { ...outcome, startedAt, finishedAt: new Date(this.now()).toISOString() };
      this.latest = complete;
      this.current = undefined;
      return complete;
    };
    let verifying: Promise<VerifyResult>;
    try {
      verifying = this.verifier();
    } catch (error) {
      verifying = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const outcome = verifying.then(
      (result) => finished({ kind: 'verified', result }),
      (error: unknown) =>
        finished({
          kind: 'failed',
          reason: error instanceof Error ? error.message : 'the verification failed',
        }),
    );
    const run: VerificationRun = { outcome, joined: false, startedAt };
    // Set before anything can settle: a verifier that answers at once still finishes after this.
    this.current = run;
    return run;
  }

  /** The start time of the run under way, if one is. */
  running(): { readonly startedAt: string } | undefined {
    return this.current === undefined ? undefined : { startedAt: this.current.startedAt };
  }

  /** The outcome of the last run that finished. */
  last(): VerificationOutcome | undefined {
    return this.latest;
  }
}
