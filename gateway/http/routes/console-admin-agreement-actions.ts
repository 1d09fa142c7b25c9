/**
 * The admin console's forms for the agreements: suspend and resume (PKS Pasal 6), renew under a
 * new number, add an instrument, record the ISO/IEC 27001 certificate, terminate. Apart from the
 * forms for readers, clients and the clock (console-admin-actions.ts, which lists these first)
 * because they are the longest, and change one aggregate.
 */
import { ELEMENTS } from '../../../policies/index.ts';
import { TERMINATION_REASONS } from '../../services/index.ts';
import {
  action,
  bodyOf,
  type ActionField,
  type ConsoleAction,
  type Fields,
} from './console-admin-kit.ts';
import type { AppDeps } from '../app-deps.ts';
import {
  AddAgreementRequest,
  AddInstrumentRequest,
  Iso27001Request,
  ResumeAgreementRequest,
  SuspendAgreementRequest,
  TerminateRequest,
  terminateAgreement,
} from './admin.ts';

const AGREEMENT: ActionField = {
  name: 'number',
  id: 'Nomor perjanjian',
  en: 'agreement number',
  kind: 'select',
  choices: 'agreements',
};
const DATE_HINT = 'YYYY-MM-DD';
const withReason = (fields: Fields, reason: string, map: Record<string, string>) => ({
  ...bodyOf(fields, map),
  reason,
});

export const AGREEMENT_ACTIONS: readonly ConsoleAction[] = [
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
];
