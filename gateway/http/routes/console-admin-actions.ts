/**
 * Every action of the admin API as a console form: its fields, the API's own request schema they
 * are checked against, and the same service call the API route makes. The form adds one thing,
 * a required reason, recorded with the change (`reason`, beside `via=console`) and passed on as
 * the action's own reason or note where it has one. The agreements' forms are
 * console-admin-agreement-actions.ts, listed first.
 */
import { acknowledgeClock } from '../../services/admin/clock.ts';
import {
  action,
  bodyOf,
  text,
  type ActionField,
  type ConsoleAction,
  type Fields,
} from './console-admin-kit.ts';

export type { ActionField, ActionSection, ConsoleAction } from './console-admin-kit.ts';
import { ApiError } from '../error-catalogue.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { SuspendRequest } from './admin.ts';
import { AGREEMENT_ACTIONS } from './console-admin-agreement-actions.ts';
import { EnrolReaderRequest, ReaderChangeRequest, enrolReader } from './admin-readers.ts';

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
  ...AGREEMENT_ACTIONS,
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
