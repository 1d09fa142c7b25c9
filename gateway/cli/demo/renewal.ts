/**
 * Demo mode only: the demo's agreement is renewed when it is about to end or has ended, so that
 * `npm start` serves lookups, readers and reports on any date — as an administrator would renew
 * it, through the same audited admin action, under the demo's own principal. A termination is an
 * administrator's decision and is left standing. `gerbang serve` never does this: a real
 * agreement ends when its parties say so.
 */
import { addDays, agreementState, calendarDateIn } from '../../../policies/index.ts';
import type { AdminActions, AdminContext, PolicyRegistry } from '../../services/index.ts';
import { DEMO_AGREEMENT, demoAgreementWindow } from '../../config/demo.ts';

/** Who renews the demo agreement, in the audit trail. */
export const DEMO_PRINCIPAL = {
  id: 'gerbang-demo',
  role: 'system',
  certificateFingerprint: '-',
} as const;

export interface DemoRenewal {
  readonly number: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

/**
 * Renews the agreement in force when it is expiring or expired and nothing already follows it:
 * from the day after its end, or from today when that day has passed. Returns what it added.
 */
export async function renewDemoAgreementIfDue(
  policy: { readonly registry: PolicyRegistry; readonly admin: AdminActions },
  now: number,
): Promise<DemoRenewal | undefined> {
  const inForce = policy.registry.inForce(now);
  if (inForce === undefined || inForce.terms.terminatedAt !== undefined) return undefined;
  if (inForce.state !== 'expiring' && inForce.state !== 'expired') return undefined;
  const current = inForce.terms;
  const followed = policy.registry
    .agreements()
    .some(
      (agreement) =>
        agreement.validFrom > current.validUntil && agreementState(agreement, now) !== 'terminated',
    );
  if (followed) return undefined;
  const today = calendarDateIn(now, current.timeZone);
  const dayAfterEnd = addDays(current.validUntil, 1);
  const validFrom = dayAfterEnd > today ? dayAfterEnd : today;
  const window = demoAgreementWindow(validFrom);
  // The first free number: a row set aside under the plain one must not stop the demo.
  const base = `${DEMO_AGREEMENT.number}/demo-${validFrom.replaceAll('-', '')}`;
  const number = [base, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${base}-${String(n)}`)].find(
    (candidate) => !policy.admin.isAgreementNumberTaken(candidate),
  );
  if (number === undefined) return undefined;
  const context: AdminContext = { principal: DEMO_PRINCIPAL, now };
  await policy.admin.addAgreement(context, {
    number,
    kind: 'renewal',
    follows: current.number,
    signedOn: today,
    ...window,
  });
  return { number, ...window };
}
