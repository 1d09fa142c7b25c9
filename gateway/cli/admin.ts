/**
 * `gerbang admin …`: the administrator's actions from the command line, through the same code as
 * the admin API, on the instance's state database and audit trail (a running gateway sees the
 * change within half a second). Acknowledging a clock jump is done through the API, because the
 * jump is observed by the running process.
 */
import { userInfo } from 'node:os';
import { parseIsoInstant } from '../../policies/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { AdminActionError, TERMINATION_REASONS, type AdminContext } from '../services/index.ts';
import { openOfflineServices } from './offline-services.ts';
import { CliError, EXIT, say } from './output.ts';

export type AdminSubcommand =
  | 'agreements'
  | 'renew'
  | 'instrument'
  | 'suspend-agreement'
  | 'resume-agreement'
  | 'terminate'
  | 'iso27001'
  | 'clients'
  | 'readers'
  | 'suspend'
  | 'resume';

const INSTRUMENT_KINDS = ['addendum', 'petunjuk_teknis', 'renewal'] as const;

/** The options of the admin subcommands (commands.ts declares which each takes). */
export interface AdminValues {
  readonly number?: string;
  readonly follows?: string;
  readonly from?: string;
  readonly addendum?: boolean;
  readonly reason?: string;
  readonly note?: string | undefined;
  readonly at?: string | undefined;
  readonly submitted?: string;
  readonly client?: string;
  readonly agreement?: string | undefined;
  readonly kind?: string | undefined;
  readonly effective?: string | undefined;
  readonly sha256?: string | undefined;
  readonly elements?: string | undefined;
  readonly signed?: string | undefined;
  readonly until?: string | undefined;
}

export async function adminCommand(sub: AdminSubcommand, values: AdminValues): Promise<void> {
  const services = await openOfflineServices(resolveInstance());
  const { policy } = services;
  const context: AdminContext = {
    principal: { id: `cli:${userInfo().username}`, role: 'admin', certificateFingerprint: '-' },
    now: Date.now(),
  };
  const need = (value: string | undefined, name: string): string => {
    if (value === undefined) throw new CliError(`--${name} is required`, EXIT.usage);
    return value;
  };
  try {
    switch (sub) {
      case 'agreements':
        for (const a of policy.admin.listAgreements(context.now)) {
          say(
            `${a.inForce ? '*' : ' '} ${a.number}${a.agencyNumber ? ` / ${a.agencyNumber}` : ''}  ${a.state}${a.suspension ? ` since ${a.suspension.since} (${a.suspension.reason ?? ''})` : ''}  elements ${a.elements.join(',')}  instruments ${a.instruments.length}  ${a.validFrom}..${a.validUntil} (${a.timeZone})  ${a.daysLeft >= 0 ? `${a.daysLeft} days left` : `ended ${-a.daysLeft} days ago`}  ISO 27001 ${a.iso27001.status} (due ${a.iso27001.deadline})${a.terminationReason ? `  terminated: ${a.terminationReason}` : ''}`,
          );
        }
        return;
      case 'renew': {
        const view = await policy.admin.addAgreement(context, {
          number: need(values.number, 'number'),
          kind: values.addendum === true ? 'addendum' : 'renewal',
          follows: need(values.follows, 'follows'),
          signedOn: need(values.signed, 'signed'),
          validFrom: need(values.from, 'from'),
          validUntil: need(values.until, 'until'),
        });
        say(`added ${view.number}: ${view.state}, ${view.validFrom}..${view.validUntil}`);
        return;
      }
      case 'instrument': {
        const kind = need(values.kind, 'kind');
        if (!(INSTRUMENT_KINDS as readonly string[]).includes(kind))
          throw new CliError(`--kind must be one of ${INSTRUMENT_KINDS.join(', ')}`, EXIT.usage);
        const view = await policy.admin.addInstrument(context, {
          agreement: need(values.agreement, 'agreement'),
          kind: kind as (typeof INSTRUMENT_KINDS)[number],
          number: need(values.number, 'number'),
          effectiveOn: need(values.effective, 'effective'),
          sha256: need(values.sha256, 'sha256'),
          ...(values.signed === undefined ? {} : { signedOn: values.signed }),
          ...(values.elements === undefined
            ? {}
            : { elements: values.elements.split(',').map((element) => element.trim()) }),
          ...(values.until === undefined ? {} : { validUntil: values.until }),
        });
        say(
          `${view.number}: ${kind} ${values.number ?? ''} from ${values.effective ?? ''}; today ${view.state}, elements ${view.elements.join(',')}, until ${view.validUntil}`,
        );
        return;
      }
      case 'suspend-agreement': {
        const view = await policy.admin.suspendAgreement(context, {
          number: need(values.number, 'number'),
          reason: need(values.reason, 'reason'),
        });
        say(
          `${view.number}: ${view.state}; data requests and card reads are refused until resumed`,
        );
        return;
      }
      case 'resume-agreement': {
        const view = await policy.admin.resumeAgreement(context, {
          number: need(values.number, 'number'),
          ...(values.note ? { note: values.note } : {}),
        });
        say(`${view.number}: ${view.state}`);
        return;
      }
      case 'terminate': {
        const reason = need(values.reason, 'reason');
        if (!(TERMINATION_REASONS as readonly string[]).includes(reason))
          throw new CliError(
            `--reason must be one of ${TERMINATION_REASONS.join(', ')}`,
            EXIT.usage,
          );
        const at = values.at === undefined ? undefined : parseIsoInstant(values.at);
        if (values.at !== undefined && at === undefined)
          throw new CliError(
            '--at must be an ISO 8601 time with a zone, from 2000 to 2100 (2027-02-11T16:00Z)',
            EXIT.usage,
          );
        const view = await policy.admin.terminate(context, {
          number: need(values.number, 'number'),
          reason: reason as (typeof TERMINATION_REASONS)[number],
          ...(values.note ? { note: values.note } : {}),
          ...(at === undefined ? {} : { effectiveAt: at }),
        });
        say(
          `${view.number}: ${view.state} (${view.terminationReason ?? ''}); data requests stop and readers are switched off`,
        );
        return;
      }
      case 'iso27001': {
        const view = await policy.admin.recordIso27001(context, {
          number: need(values.number, 'number'),
          submittedOn: need(values.submitted, 'submitted'),
        });
        say(`${view.number}: ISO 27001 certificate ${view.iso27001.status}`);
        return;
      }
      case 'readers':
        for (const reader of policy.admin.listReaders(context.now)) {
          say(
            `${reader.id}  ${reader.state}${reader.agreementSuspended ? ` (agreement ${reader.agreementSuspended.number} suspended: reads refused)` : ''}  SAM ${reader.samSerial}  since ${reader.changedAt} by ${reader.changedBy}${reader.reason ? ` (${reader.reason})` : ''}`,
          );
        }
        return;
      case 'clients':
        for (const client of policy.admin.listClients({}) as {
          id: string;
          role: string;
          suspended: boolean;
          reason?: string;
        }[]) {
          say(
            `${client.id}  ${client.role}  ${client.suspended ? `SUSPENDED (${client.reason ?? ''})` : 'active'}`,
          );
        }
        return;
      case 'suspend':
      case 'resume':
        await policy.admin.setSuspended(context, {
          id: need(values.client, 'client'),
          suspended: sub === 'suspend',
          ...(values.reason ? { reason: values.reason } : {}),
        });
        say(`${values.client ?? ''}: ${sub === 'suspend' ? 'suspended' : 'resumed'}`);
        return;
    }
  } catch (error) {
    if (error instanceof AdminActionError)
      throw new CliError(error.message, error.kind === 'invalid' ? EXIT.usage : EXIT.failure);
    throw error;
  } finally {
    await services.close();
  }
}
