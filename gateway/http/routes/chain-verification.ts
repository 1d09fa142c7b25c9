/**
 * A request for a whole-chain verification, from the officer console (POST) or the API: it starts
 * the run or joins the one under way (gateway/services/audit-verification/), waits for its outcome
 * at most `waitMs`, and records the officer's use of the trail once the outcome is known, whether
 * or not this request is still waiting for it. The run itself is off the event loop.
 */
import type { Context } from 'hono';
import type {
  ChainView,
  VerificationOutcome,
} from '../../services/audit-verification/chain-verification.ts';
import type { AppDeps } from '../app-deps.ts';
import type { GatewayEnv } from '../env.ts';
import { recordAuditUse } from './audit-use.ts';

export type { ChainView };

/** The chain's state as it stands, without starting anything (the page's GET). */
export function currentChainView(deps: AppDeps): ChainView {
  const running = deps.chainVerification.running();
  if (running !== undefined) return { state: 'running', startedAt: running.startedAt };
  const outcome = deps.chainVerification.last();
  return outcome === undefined ? { state: 'idle' } : { state: 'done', outcome };
}

function auditOf(outcome: VerificationOutcome, via: 'console' | 'api', joined: boolean) {
  const how = { ...(via === 'console' ? { via } : {}), ...(joined ? { joined: true } : {}) };
  if (outcome.kind === 'failed')
    return { outcome: 'error' as const, detail: { ...how, ran: false } };
  const result = outcome.result;
  return result.ok
    ? { outcome: 'success' as const, detail: { ...how, records: result.records } }
    : { outcome: 'error' as const, detail: { ...how, firstBadSeq: result.firstBadSeq } };
}

export async function verifyChainFor(
  deps: AppDeps,
  c: Context<GatewayEnv>,
  options: { readonly via: 'console' | 'api'; readonly waitMs?: number },
): Promise<ChainView> {
  const run = deps.chainVerification.start();
  const recorded = run.outcome.then(async (outcome) => {
    if (outcome.kind === 'failed')
      c.var
        .log()
        .error(
          { event: 'chain_verification_failed', reason: outcome.reason },
          'the chain verification could not run',
        );
    await recordAuditUse(deps, c, 'verify', auditOf(outcome, options.via, run.joined));
    return outcome;
  });
  // Heard here too, for a request that stopped waiting before the outcome was known.
  recorded.catch(() => {
    c.var.log().error({ event: 'audit_write_failed' }, 'could not record a chain verification');
  });
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    if (options.waitMs !== undefined)
      timer = setTimeout(() => {
        resolve(undefined);
      }, options.waitMs);
  });
  try {
    const outcome = await Promise.race([recorded, gaveUp]);
    return outcome === undefined
      ? { state: 'running', startedAt: run.startedAt }
      : { state: 'done', outcome };
  } finally {
    clearTimeout(timer);
  }
}
