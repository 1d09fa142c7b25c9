/**
 * The clerk portal (`/portal/`), for operator certificates only: a clerk looks a resident up or
 * verifies what they declared, with purpose and reference, and submits the return data right
 * after a lookup. Each action is a data path of its own kind (lookup, verify, return_data), run
 * by the same functions as the API (lookupResident, verifyResident, submitReturnData), so the
 * same checks, limits and durable audit apply; the portal only reads forms and renders pages.
 * A refusal shows the page again with the code (`renderError`), never JSON, to a browser.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ELEMENTS, type ElementName } from '../../../policies/index.ts';
import { PolicyRegistry } from '../../services/index.ts';
import { reportTimeZone } from '../../services/reports/report.ts';
import type { AppDeps } from '../app-deps.ts';
import type { GatewayEnv } from '../env.ts';
import type { ApiError } from '../error-catalogue.ts';
import { PortalHome, type PortalStatus } from '../pages/portal-page.tsx';
import { portalDocument } from '../pages/portal-layout.tsx';
import { LookupResult, ReturnDataOutcome, VerifyResult } from '../pages/portal-result.tsx';
import { LookupRequest, VerifyRequest } from '../schemas.ts';
import { lookupErrorCode, lookupResident } from './lookup.ts';
import { nikFromForm, nikOfTicket, ownerOf, PortalForm } from './portal-forms.ts';
import { ReturnDataRequest, returnDataErrorCode } from './return-data.ts';
import { leviedTaxes, submitReturnData } from './return-data-submit.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';
import { refuseClientThreshold, verifyResident } from './verify.ts';

const html = { description: 'HTML page', contentType: 'text/html' };
const pages = {
  200: html,
  400: { description: 'the page with the error (role=alert)', contentType: 'text/html' },
  403: { description: 'refused: the page with the code', contentType: 'text/html' },
};
const CLAIM_PREFIX = 'claim.';
const SOURCES = new Set(['nik', 'cardRead', 'ikd', 'purpose', 'reference']);

export function portalRoutes(deps: AppDeps): RouteSpec[] {
  const title = 'Loket pelayanan / Service counter';
  const instance = deps.config.instance.name;

  const status = (client: string, now: number): PortalStatus => {
    const readable = deps.policy.registry.stateReadable();
    const governing = readable ? deps.policy.registry.governing(client, now) : undefined;
    const upstream =
      governing === undefined ? undefined : PolicyRegistry.upstreamOf(governing.agreement);
    const allowance = deps.policy.limits.allowance(client, now, upstream);
    const usage = deps.policy.limits.usage(now);
    const gateway = usage.upstreams[upstream ?? 'default'];
    const view =
      governing === undefined
        ? undefined
        : deps.policy.admin
            .listAgreements(now)
            .find((agreement) => agreement.number === governing.agreement.number);
    return {
      ...(allowance === undefined
        ? {}
        : {
            clientQuota: {
              quota: allowance.dailyQuota,
              used: usage.used[client] ?? 0,
              remaining: allowance.dailyRemaining,
            },
          }),
      ...(gateway === undefined
        ? {}
        : { gatewayQuota: { total: gateway.total, used: gateway.used } }),
      ...(view === undefined
        ? {}
        : {
            agreement: {
              number: view.number,
              state: view.state,
              validUntil: view.validUntil,
              daysLeft: view.daysLeft,
            },
          }),
    };
  };

  const home = (c: Context<GatewayEnv>, error?: ApiError): Response => {
    const now = deps.now();
    const { principal } = c.var;
    const profile = principal.profile;
    const elements: readonly ElementName[] = profile?.elements ?? [];
    return portalDocument(
      c,
      { title, instance, status: error?.status ?? 200 },
      <PortalHome
        status={status(principal.id, now)}
        purposes={profile?.purposes ?? []}
        claimable={ELEMENTS.filter(
          (element) => element !== 'nik' && element !== 'alamat' && elements.includes(element),
        )}
        waitingReads={deps.portal.cardReads.waitingFor(ownerOf(c).operator, now)}
        ikdEnabled={deps.ikd !== undefined}
        timeZone={reportTimeZone(deps.config, deps.policy, now)}
        error={error === undefined ? undefined : { code: error.code, message: error.publicMessage }}
      />,
    );
  };

  /** From here on a refusal is the counter page again, with the error. */
  const showErrorsOnThePage: MiddlewareHandler<GatewayEnv> = async function portalPageErrors(
    c,
    next,
  ) {
    c.set('renderError', (error) => home(c, error));
    await next();
  };

  const lookupForm: MiddlewareHandler<GatewayEnv> = async function portalLookupForm(c, next) {
    const form = await PortalForm.read(c, (name) => SOURCES.has(name));
    c.set('body', {
      nik: nikFromForm(c, deps, form),
      purpose: form.one('purpose') ?? '',
      reference: form.one('reference') ?? '',
    });
    await next();
  };

  const verifyForm: MiddlewareHandler<GatewayEnv> = async function portalVerifyForm(c, next) {
    const form = await PortalForm.read(
      c,
      (name) => SOURCES.has(name) || name.startsWith(CLAIM_PREFIX),
    );
    const claims: Record<string, string> = {};
    for (const name of form.names()) {
      const value = name.startsWith(CLAIM_PREFIX) ? form.one(name) : undefined;
      if (value !== undefined) claims[name.slice(CLAIM_PREFIX.length)] = value;
    }
    c.set('body', {
      nik: nikFromForm(c, deps, form),
      purpose: form.one('purpose') ?? '',
      reference: form.one('reference') ?? '',
      claims,
    });
    await next();
  };

  const returnDataForm: MiddlewareHandler<GatewayEnv> = async function portalReturnDataForm(
    c,
    next,
  ) {
    const form = await PortalForm.read(c, (name) =>
      ['ticket', 'npwpd', 'reference', 'jenis_pajak'].includes(name),
    );
    const ticket = form.one('ticket');
    c.set('body', {
      nik: nikOfTicket(c, deps, ticket),
      npwpd: form.one('npwpd') ?? '',
      jenis_pajak: form.all('jenis_pajak'),
      reference: form.one('reference') ?? '',
    });
    await next();
    // Queued: the ticket has served (a reload or a second click queues nothing more).
    if (c.error === undefined && ticket !== undefined) deps.portal.tickets.spend(ticket);
  };

  return [
    {
      method: 'GET',
      path: '/portal/',
      roles: ['operator'],
      summary: 'Clerk portal: quota and agreement, lookup and verify forms, card reads waiting',
      responses: pages,
      handler: (c) => home(c),
    },
    defineRoute({
      method: 'POST',
      path: '/portal/lookup',
      roles: ['operator'],
      summary: 'Clerk portal lookup (form post): the granted elements and the return-data form',
      auditType: 'lookup',
      requiresOperator: true,
      guards: [showErrorsOnThePage, lookupForm],
      formBody: LookupRequest,
      schemaErrorCodes: lookupErrorCode,
      responses: pages,
      handler: async function portalLookup(c) {
        const body = c.var.body as { nik: string; purpose: string; reference: string };
        const released = await lookupResident(c as Parameters<typeof lookupResident>[0], deps);
        const ticket = deps.portal.tickets.issue(ownerOf(c), body.nik, deps.now());
        return portalDocument(
          c,
          { title, instance },
          <LookupResult
            released={released}
            requestId={c.var.requestId}
            ticket={ticket}
            reference={body.reference}
            taxes={leviedTaxes(deps)}
            npwpdHint={`Pola / pattern: ${deps.config.returnData.npwpdPattern}`}
          />,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/portal/verify',
      roles: ['operator'],
      summary: 'Clerk portal verification (form post): match or not per declared element',
      auditType: 'verify',
      requiresOperator: true,
      guards: [showErrorsOnThePage, verifyForm, refuseClientThreshold],
      formBody: VerifyRequest,
      schemaErrorCodes: lookupErrorCode,
      responses: pages,
      handler: async function portalVerify(c) {
        const result = await verifyResident(c, deps);
        return portalDocument(
          c,
          { title, instance },
          <VerifyResult result={result} requestId={c.var.requestId} />,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/portal/return-data',
      roles: ['operator'],
      summary: 'Clerk portal return data (form post) for the NIK of the lookup just made',
      auditType: 'return_data',
      auditEvent: 'submitted',
      requiresOperator: true,
      guards: [showErrorsOnThePage, returnDataForm],
      formBody: ReturnDataRequest,
      schemaErrorCodes: returnDataErrorCode,
      responses: pages,
      handler: async function portalReturnData(c) {
        const body = c.var.body;
        const delivery = await submitReturnData(c, deps, body, undefined);
        return portalDocument(
          c,
          { title, instance },
          <ReturnDataOutcome
            delivery={delivery}
            taxes={body.jenis_pajak}
            requestId={c.var.requestId}
          />,
        );
      },
    }),
  ];
}
