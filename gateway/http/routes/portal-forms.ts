/**
 * The clerk portal's forms: each is posted from the portal itself (the cross-site checks of the
 * consoles), url-encoded and small, its fields known and given once. The NIK arrives by one of
 * three ways (docs/portal.md): typed; picked from the card reads waiting for this clerk (by a
 * random id, single use); or read from an IKD presentation through the configured `IkdProfile`
 * (once per presentation). The return-data form carries a ticket for the NIK of the lookup just
 * made, never the NIK. How the NIK came is noted in the audit record (`intake`).
 */
import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { dataPathDraft } from '../middleware/audit-data-path.ts';
import { PICKUP_PATTERN, TICKET_PATTERN, type TicketOwner } from '../../services/portal/index.ts';
import { readForm, requireSameOrigin } from './console-search.ts';

/** How the NIK of a portal request came to the gateway. */
export type NikIntake = 'typed' | 'card_read' | 'ikd';

const IKD_MESSAGES: Readonly<Record<string, string>> = {
  malformed: 'Kode QR bukan presentasi IKD / The QR code is not an IKD presentation.',
  bad_signature: 'Tanda tangan IKD tidak sah / The IKD signature does not verify.',
  expired:
    'Presentasi IKD kedaluwarsa; minta warga menampilkan ulang / The IKD presentation has expired; ask for a fresh one.',
  not_yet_valid:
    'Presentasi IKD belum berlaku (periksa jam) / The IKD presentation is not valid yet (check the clock).',
  unknown_key: 'Penerbit IKD tidak dikenal / The IKD issuer key is not known to this gateway.',
  invalid_nik: 'IKD tidak memuat NIK yang sah / The IKD carries no valid NIK.',
  replayed:
    'Presentasi IKD ini sudah dipakai; minta warga menampilkan ulang / This IKD presentation was used already; ask for a fresh one.',
  not_configured:
    'Gateway ini tidak menerima IKD / This gateway does not accept IKD presentations.',
};

/** A portal form, read after the same-origin check: its fields, each known and given once. */
export class PortalForm {
  private readonly fields: URLSearchParams;

  private constructor(fields: URLSearchParams) {
    this.fields = fields;
  }

  static async read(c: Context<GatewayEnv>, known: (name: string) => boolean): Promise<PortalForm> {
    requireSameOrigin(c);
    const fields = await readForm(c);
    for (const name of fields.keys())
      if (!known(name))
        throw new ApiError('invalid_request', {
          detail: 'portal form field unknown',
          message: 'Kolom formulir tidak dikenal / Unknown form field.',
        });
    return new PortalForm(fields);
  }

  /** A field's trimmed value; undefined when absent or empty. */
  one(name: string): string | undefined {
    const values = this.fields.getAll(name);
    if (values.length > 1)
      throw new ApiError('invalid_request', {
        detail: 'portal form field repeated',
        message: 'Kolom formulir berulang / A form field is repeated.',
      });
    const value = values[0]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  all(name: string): string[] {
    return this.fields.getAll(name).map((value) => value.trim());
  }

  names(): string[] {
    return [...new Set(this.fields.keys())];
  }
}

/** The owner of the portal's tickets and card reads: the operator and the client. */
export function ownerOf(c: Context<GatewayEnv>): TicketOwner {
  const { principal } = c.var;
  if (principal.operator === undefined)
    throw new ApiError('forbidden', { detail: 'portal without operator certificate' });
  return { client: principal.id, operator: principal.operator };
}

function intakeExpired(what: string): ApiError {
  return new ApiError('intake_expired', { detail: `${what} not held` });
}

/** The NIK of a lookup or verify form, from the one source the clerk gave. */
export function nikFromForm(c: Context<GatewayEnv>, deps: AppDeps, form: PortalForm): string {
  const draft = dataPathDraft(c);
  const typed = form.one('nik');
  const cardRead = form.one('cardRead');
  const ikd = form.one('ikd');
  const given = [typed, cardRead, ikd].filter((value) => value !== undefined);
  if (given.length !== 1)
    throw new ApiError('invalid_request', {
      detail: `portal NIK sources given: ${String(given.length)}`,
      message:
        'Isi tepat satu: ketik NIK, pilih KTP-el, atau pindai IKD / Give exactly one: a typed NIK, a card read, or an IKD scan.',
    });
  const record = (intake: NikIntake): void => {
    draft.detail = { ...draft.detail, via: 'portal', intake };
  };
  const now = deps.now();
  if (typed !== undefined) {
    record('typed');
    return typed;
  }
  if (cardRead !== undefined) {
    record('card_read');
    const nik = PICKUP_PATTERN.test(cardRead)
      ? deps.portal.cardReads.take(cardRead, ownerOf(c).operator, now)
      : undefined;
    if (nik === undefined) throw intakeExpired('card read');
    return nik;
  }
  record('ikd');
  const presentation = ikd ?? '';
  const refuse = (problem: string): ApiError =>
    new ApiError('ikd_invalid', {
      detail: `ikd ${problem}`,
      message: IKD_MESSAGES[problem] ?? 'The IKD presentation is refused.',
    });
  if (deps.ikd === undefined) throw refuse('not_configured');
  const reading = deps.ikd.read(presentation, new Date(now));
  if (!reading.ok) throw refuse(reading.problem);
  draft.detail = { ...draft.detail, ikdKey: reading.keyId };
  if (
    !deps.portal.presentations.firstUse(
      reading.keyId,
      reading.nonce,
      reading.expiresAt.getTime(),
      now,
    )
  )
    throw refuse('replayed');
  return reading.nik;
}

/** The NIK behind the return-data form's ticket: the lookup this clerk just made. */
export function nikOfTicket(
  c: Context<GatewayEnv>,
  deps: AppDeps,
  ticket: string | undefined,
): string {
  const nik =
    ticket !== undefined && TICKET_PATTERN.test(ticket)
      ? deps.portal.tickets.nikOf(ticket, ownerOf(c), deps.now())
      : undefined;
  if (nik === undefined) throw intakeExpired('ticket');
  dataPathDraft(c).detail = { ...dataPathDraft(c).detail, via: 'portal', intake: 'lookup' };
  return nik;
}
