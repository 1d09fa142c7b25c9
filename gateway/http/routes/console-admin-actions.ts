/**
 * Every action of the admin API as a console form: its fields, the API's own request schema they
 * are checked against, and the same service call the API route makes. The form adds one thing,
 * a required reason, recorded with the change (`reason`, beside `via=console`) and passed on as
 * the action's own reason or note where it has one.
 */
import { ELEMENTS } from '../../../policies/index.ts';
import { acknowledgeClock } from '../../services/admin/clock.ts';
import { TERMINATION_REASONS } from '../../services/index.ts';
import {
  action,
  bodyOf,
  text,
  type ActionField,
  type ConsoleAction,
  type Fields,
} from './console-admin-kit.ts';

export type { ActionField, ActionSection, ConsoleAction } from './console-admin-kit.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import {
  AddAgreementRequest,
  AddInstrumentRequest,
  Iso27001Request,
  ResumeAgreementRequest,
  SuspendAgreementRequest,
  SuspendRequest,
  TerminateRequest,
  terminateAgreement,
} from './admin.ts';
import { EnrolReaderRequest, ReaderChangeRequest, enrolReader } from './admin-readers.ts';

const AGREEMENT: ActionField = {
  name: 'number',
  id: 'Nomor perjanjian',
  en: 'agreement number',
  kind: 'select',
  choices: 'agreements',
};
const READER: ActionField = {
  name: 'readerId',
  id: 'Pembaca',
  en: 'reader',
  kind: 'select',
  choices: 'readers',
};
const CLIENT: ActionField = {
  name: 'clientId',
  id: 'Klien',
  en: 'client',
  kind: 'select',
  choices: 'clients',
};
const DATE_HINT = 'YYYY-MM-DD';
const withReason = (fields: Fields, reason: string, map: Record<string, string>) => ({
  ...bodyOf(fields, map),
  reason,
});

const readerChange = (name: 'activate' | 'deactivate' | 'blacklist', id: string, en: string) =>
  action({
    name: `reader_${name}`,
    id,
    en,
    section: 'readers',
    fields: [READER],
    schema: ReaderChangeRequest,
    body: (_fields, reason) => ({ reason }),
    call: (deps, context, body: { reason: string }, fields) =>
      deps.policy.admin.changeReader(context, {
        id: text(fields, 'readerId') ?? '',
        action: name,
        reason: body.reason,
      }),
  });

const CLIENT_ID = new RegExp(PRINCIPAL_ID_PATTERN);

/** The client a form names, checked as the API checks its path (clientInPath in admin.ts). */
function clientOf(fields: Fields): string {
  const id = text(fields, 'clientId');
  if (id === undefined || !CLIENT_ID.test(id)) throw new ApiError('not_found');
  return id;
}

export const CONSOLE_ACTIONS: readonly ConsoleAction[] = [
  action({
    name: 'agreement_suspend',
    id: 'Tangguhkan perjanjian',
    en: 'Suspend the agreement (force majeure, PKS Pasal 6)',
    section: 'agreements',
    fields: [AGREEMENT],
    schema: SuspendAgreementRequest,
    body: (fields, reason) => withReason(fields, reason, { number: 'number' }),
    call: (deps, context, body: { number: string; reason: string }) =>
      deps.policy.admin.suspendAgreement(context, body),
  }),
  action({
    name: 'agreement_resume',
    id: 'Lanjutkan perjanjian',
    en: 'Resume the agreement',
    section: 'agreements',
    fields: [AGREEMENT],
    schema: ResumeAgreementRequest,
    body: (fields, reason) => ({ ...bodyOf(fields, { number: 'number' }), note: reason }),
    call: (deps, context, body: { number: string; note?: string }) =>
      deps.policy.admin.resumeAgreement(context, body),
  }),
  action({
    name: 'agreement_renew',
    id: 'Perpanjang (nomor baru)',
    en: 'Renew under a new number',
    section: 'agreements',
    fields: [
      { name: 'follows', id: 'Melanjutkan', en: 'follows', kind: 'select', choices: 'agreements' },
      { name: 'newNumber', id: 'Nomor baru', en: 'new number', kind: 'text' },
      { name: 'signedOn', id: 'Ditandatangani', en: 'signed on', kind: 'date', hint: DATE_HINT },
      { name: 'validFrom', id: 'Berlaku dari', en: 'valid from', kind: 'date', hint: DATE_HINT },
      {
        name: 'validUntil',
        id: 'Berlaku sampai',
        en: 'valid until',
        kind: 'date',
        hint: DATE_HINT,
      },
    ],
    schema: AddAgreementRequest,
    body: (fields) => ({
      kind: 'renewal',
      ...bodyOf(fields, {
        number: 'newNumber',
        follows: 'follows',
        signedOn: 'signedOn',
        validFrom: 'validFrom',
        validUntil: 'validUntil',
      }),
    }),
    call: (deps, context, body: Parameters<AppDeps['policy']['admin']['addAgreement']>[1]) =>
      deps.policy.admin.addAgreement(context, body),
  }),
  action({
    name: 'agreement_instrument',
    id: 'Tambah adendum / juknis',
    en: 'Add an addendum, Petunjuk Teknis or renewal instrument',
    section: 'agreements',
    fields: [
      { ...AGREEMENT, name: 'agreement' },
      {
        name: 'kind',
        id: 'Jenis',
        en: 'kind',
        kind: 'select',
        choices: ['addendum', 'petunjuk_teknis', 'renewal'],
      },
      { name: 'instrumentNumber', id: 'Nomor dokumen', en: 'document number', kind: 'text' },
      { name: 'signedOn', id: 'Ditandatangani', en: 'signed on', kind: 'date', optional: true },
      { name: 'effectiveOn', id: 'Berlaku mulai', en: 'effective on', kind: 'date' },
      { name: 'sha256', id: 'SHA-256 dokumen', en: 'document SHA-256', kind: 'text' },
      { name: 'validUntil', id: 'Berlaku sampai', en: 'valid until', kind: 'date', optional: true },
      {
        name: 'elements',
        id: 'Elemen data',
        en: 'data elements (none: unchanged)',
        kind: 'checkboxes',
        choices: ELEMENTS,
        optional: true,
      },
    ],
    schema: AddInstrumentRequest,
    body: (fields) => {
      const elements = fields['elements'];
      return {
        ...bodyOf(fields, {
          agreement: 'agreement',
          kind: 'kind',
          number: 'instrumentNumber',
          signedOn: 'signedOn',
          effectiveOn: 'effectiveOn',
          sha256: 'sha256',
          validUntil: 'validUntil',
        }),
        ...(elements === undefined
          ? {}
          : { elements: typeof elements === 'string' ? [elements] : elements }),
      };
    },
    call: (deps, context, body: Parameters<AppDeps['policy']['admin']['addInstrument']>[1]) =>
      deps.policy.admin.addInstrument(context, body),
  }),
  action({
    name: 'agreement_iso27001',
    id: 'Catat sertifikat ISO/IEC 27001',
    en: 'Record the ISO/IEC 27001 certificate',
    section: 'agreements',
    fields: [
      AGREEMENT,
      { name: 'submittedOn', id: 'Diserahkan', en: 'submitted on', kind: 'date' },
    ],
    schema: Iso27001Request,
    body: (fields) => bodyOf(fields, { number: 'number', submittedOn: 'submittedOn' }),
    call: (deps, context, body: { number: string; submittedOn: string }) =>
      deps.policy.admin.recordIso27001(context, body),
  }),
  action({
    name: 'agreement_terminate',
    id: 'Akhiri perjanjian',
    en: 'Terminate the agreement (PKS Pasal 9(1)); readers are switched off',
    section: 'agreements',
    fields: [
      AGREEMENT,
      {
        name: 'terminationReason',
        id: 'Dasar',
        en: 'ground',
        kind: 'select',
        choices: TERMINATION_REASONS,
      },
      {
        name: 'effectiveAt',
        id: 'Berlaku pada',
        en: 'effective at (empty: now)',
        kind: 'text',
        optional: true,
        hint: '2026-12-31T23:59+08:00',
      },
    ],
    schema: TerminateRequest,
    body: (fields, reason) => ({
      ...bodyOf(fields, {
        number: 'number',
        reason: 'terminationReason',
        effectiveAt: 'effectiveAt',
      }),
      note: reason,
    }),
    call: (deps, context, body: Parameters<typeof terminateAgreement>[2]) =>
      terminateAgreement(deps, context, body),
  }),
  action({
    name: 'reader_enrol',
    id: 'Daftarkan pembaca',
    en: 'Enrol a reader with its SAM (it stays off until activated)',
    section: 'readers',
    fields: [
      {
        name: 'newReaderId',
        id: 'ID pembaca (CN sertifikat)',
        en: 'reader id (certificate CN)',
        kind: 'text',
      },
      {
        name: 'samCertificate',
        id: 'Sertifikat SAM (PEM)',
        en: 'SAM certificate (PEM)',
        kind: 'textarea',
      },
    ],
    schema: EnrolReaderRequest,
    body: (fields) => bodyOf(fields, { readerId: 'newReaderId', samCertificate: 'samCertificate' }),
    call: (deps, context, body: { readerId: string; samCertificate: string }) =>
      enrolReader(deps, context, body),
  }),
  readerChange('activate', 'Aktifkan pembaca', 'Activate a reader'),
  readerChange('deactivate', 'Nonaktifkan pembaca', 'Deactivate a reader'),
  readerChange(
    'blacklist',
    'Masukkan daftar hitam',
    'Blacklist a reader (lost or stolen, for good)',
  ),
  action({
    name: 'client_suspend',
    id: 'Tangguhkan klien',
    en: 'Suspend a client',
    section: 'clients',
    fields: [CLIENT],
    schema: SuspendRequest,
    body: (_fields, reason) => ({ reason }),
    call: (deps, context, body: { reason: string }, fields) =>
      deps.policy.admin.setSuspended(context, {
        id: clientOf(fields),
        suspended: true,
        reason: body.reason,
      }),
  }),
  {
    name: 'client_resume',
    id: 'Aktifkan kembali klien',
    en: 'Resume a client',
    section: 'clients',
    fields: [CLIENT],
    check: (fields) => {
      clientOf(fields);
    },
    run: (deps, context, fields) =>
      deps.policy.admin.setSuspended(context, { id: clientOf(fields), suspended: false }),
  },
  {
    name: 'clock_acknowledge',
    id: 'Akui jam',
    en: 'Acknowledge the clock (after checking the time)',
    section: 'clock',
    fields: [],
    check: () => undefined,
    run: (deps, context) => acknowledgeClock(deps.policy.clock, deps.audit, context, deps.now),
  },
];
