/**
 * The admin console: its page, and its actions as form posts in two steps (console-admin-actions.ts
 * for what each does). The first post checks the fields as the API would and answers a
 * confirmation page; the second, the same fields with `confirm=1`, makes the change through the
 * same service call as the API, recorded with the admin's certificate, the reason and
 * `via=console`. A refusal (bad field, 404, 409, 503) is shown on the page with its code and status.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../error-mapping.ts';
import type { GatewayEnv } from '../env.ts';
import { consoleDocument } from '../pages/console-document.tsx';
import { AdminPage } from '../pages/admin-page.tsx';
import {
  ActionForms,
  ActionOutcome,
  ConfirmAction,
  type ActionChoices,
  type PostedFields,
} from '../pages/admin-actions.tsx';
import { CONSOLE_ROLES } from '../pages/layout.tsx';
import { adminContext, SuspendRequest } from './admin.ts';
import { CONSOLE_ACTIONS, type ConsoleAction } from './console-admin-actions.ts';
import { readForm, requireSameOrigin } from './console-search.ts';
import type { RouteSpec } from './route-spec.ts';
import { nextDueReport } from '../../services/reports/due-status.ts';
import { reportTimeZone } from '../../services/reports/report.ts';
import { compileSchemaValidator } from '../validate.ts';

/** A SAM certificate fits (the API allows 8 KiB of PEM), with room for the other fields. */
const ACTION_FORM_LIMIT_BYTES = 16_384;
const ACTIONS = new Map(CONSOLE_ACTIONS.map((a) => [a.name, a]));
/** The reason is checked as the API checks a suspension's: stored text, 1 to 500 characters. */
const checkReason = compileSchemaValidator(SuspendRequest);

interface Outcome {
  readonly done?: string;
  readonly error?: { code: string; message: string };
  readonly status?: ContentfulStatusCode;
}

export function adminConsolePage(deps: AppDeps, c: Context<GatewayEnv>, outcome: Outcome = {}) {
  const now = deps.now();
  const usage = deps.policy.limits.usage(now);
  const admin = deps.policy.admin;
  const agreements = admin.listAgreements(now);
  const readers = admin.listReaders();
  const clients = admin.listClients(usage.used);
  const choices: ActionChoices = {
    agreements: agreements.map((a) => a.number),
    readers: readers.map((r) => r.id),
    clients: clients.map((client) => client.id),
  };
  return consoleDocument(
    c,
    {
      which: 'admin',
      title: 'Administrasi / Administration',
      instance: deps.config.instance.name,
      status: outcome.status ?? 200,
    },
    <AdminPage
      agreements={agreements}
      readers={readers}
      clients={clients}
      upstream={{ used: usage.upstreamUsed, total: usage.upstreamTotal }}
      dueReport={nextDueReport({
        reader: deps.auditLog,
        timeZone: reportTimeZone(deps.config, deps.policy, now),
        now,
        reminderDays: deps.config.reports?.reminderDays,
        agreementInForce: (instant) => deps.policy.registry.inForce(instant) !== undefined,
      })}
      outcome={<ActionOutcome {...outcome} />}
      actions={(section) => (
        <ActionForms section={section} actions={CONSOLE_ACTIONS} choices={choices} />
      )}
    />,
  );
}

/** The posted form as the action's fields, each known and (but checkboxes) given once. */
function parseActionForm(form: URLSearchParams): {
  action: ConsoleAction;
  fields: PostedFields;
  reason: string;
  confirmed: boolean;
} {
  const single = (name: string): string | undefined => {
    const values = form.getAll(name);
    if (values.length > 1)
      throw new ApiError('invalid_request', { message: `Field ${name} is repeated.` });
    const value = values[0]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const action = ACTIONS.get(single('action') ?? '');
  if (action === undefined)
    throw new ApiError('invalid_request', { message: 'No such admin action.' });
  const known = new Set(['action', 'reason', 'confirm', ...action.fields.map((f) => f.name)]);
  for (const key of form.keys())
    if (!known.has(key))
      throw new ApiError('invalid_request', {
        message: 'The form has a field that is not allowed.',
      });
  const fields: Record<string, string | readonly string[] | undefined> = {};
  for (const field of action.fields) {
    if (field.kind === 'checkboxes') {
      const values = form.getAll(field.name);
      fields[field.name] = values.length === 0 ? undefined : values;
    } else fields[field.name] = single(field.name);
  }
  const reason = single('reason');
  if (reason === undefined)
    throw new ApiError('invalid_request', {
      message: 'A reason is required for every change (Alasan wajib diisi).',
    });
  checkReason({ reason });
  const confirm = single('confirm');
  if (confirm !== undefined && confirm !== '1')
    throw new ApiError('invalid_request', { message: 'Field confirm must be 1.' });
  return { action, fields, reason, confirmed: confirm === '1' };
}

export function adminConsoleRoutes(deps: AppDeps): RouteSpec[] {
  const refused = (c: Context<GatewayEnv>, error: unknown): Response => {
    const apiError = toApiError(error);
    // The unexpected goes to the error handler: logged, and answered without its message.
    if (apiError.code === 'internal_error') throw error;
    return adminConsolePage(deps, c, {
      error: { code: apiError.code, message: apiError.publicMessage },
      status: apiError.status as ContentfulStatusCode,
    });
  };
  return [
    {
      method: 'POST',
      path: '/console/admin/act',
      roles: CONSOLE_ROLES.admin,
      summary:
        'Admin console action (form post): without confirm=1 the confirmation page, with it the change, as the admin API makes it, recorded with via=console and the reason',
      responses: {
        200: { description: 'HTML page', contentType: 'text/html' },
        400: { description: 'the page with the error and its code', contentType: 'text/html' },
        404: { description: 'the page with the error and its code', contentType: 'text/html' },
        409: { description: 'the page with the error and its code', contentType: 'text/html' },
        503: { description: 'the page with the error and its code', contentType: 'text/html' },
      },
      handler: async (c) => {
        requireSameOrigin(c);
        const form = await readForm(c, ACTION_FORM_LIMIT_BYTES);
        let parsed: ReturnType<typeof parseActionForm>;
        try {
          parsed = parseActionForm(form);
          parsed.action.check(parsed.fields, parsed.reason);
        } catch (error) {
          return refused(c, error);
        }
        const { action, fields, reason } = parsed;
        if (!parsed.confirmed)
          return consoleDocument(
            c,
            { which: 'admin', title: 'Konfirmasi / Confirm', instance: deps.config.instance.name },
            <ConfirmAction action={action} fields={fields} reason={reason} />,
          );
        try {
          await action.run(deps, { ...adminContext(c, deps), via: 'console', reason }, fields);
        } catch (error) {
          return refused(c, error);
        }
        return adminConsolePage(deps, c, { done: `${action.id} / ${action.en}` });
      },
    },
  ];
}
