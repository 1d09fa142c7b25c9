/** The operator's day-to-day commands: agreements, clients and readers, and the return-data outbox. */
import { group, leaf, type CommandGroup } from '../command.ts';

export const ADMIN_COMMANDS: CommandGroup = group(
  'admin',
  'agreements, clients and readers, as the admin API (docs/policy.md)',
  [
    leaf({
      name: 'agreements',
      synopsis: '',
      summary: 'the agreements, their states and ISO 27001 deadlines',
      options: {},
      run: async () => (await import('../admin.ts')).adminCommand('agreements', {}),
    }),
    leaf({
      name: 'renew',
      synopsis:
        '--number N --follows OLD --signed YYYY-MM-DD --from YYYY-MM-DD --until YYYY-MM-DD [--addendum]',
      summary:
        'record a renewal under a number of its own (a new agreement); an addendum is an instrument',
      options: {
        number: { type: 'string', required: true },
        follows: { type: 'string', required: true },
        signed: { type: 'string', required: true },
        from: { type: 'string', required: true },
        until: { type: 'string', required: true },
        addendum: { type: 'boolean' },
      },
      run: async (values) => (await import('../admin.ts')).adminCommand('renew', values),
    }),
    leaf({
      name: 'instrument',
      synopsis:
        '--agreement N --kind addendum|petunjuk_teknis|renewal --number M --effective YYYY-MM-DD --sha256 HEX [--signed YYYY-MM-DD] [--elements a,b,…] [--until YYYY-MM-DD]',
      summary:
        'add an instrument to an agreement: it governs from its effective day in the agreement’s zone',
      details:
        'An addendum with --elements grants those elements from --effective on; a renewal with --until moves the last day. --sha256 is the SHA-256 of the signed file (sha256sum).',
      options: {
        agreement: { type: 'string', required: true },
        kind: { type: 'string', required: true },
        number: { type: 'string', required: true },
        effective: { type: 'string', required: true },
        sha256: { type: 'string', required: true },
        signed: { type: 'string' },
        elements: { type: 'string' },
        until: { type: 'string' },
      },
      run: async (values) => (await import('../admin.ts')).adminCommand('instrument', values),
    }),
    leaf({
      name: 'suspend-agreement',
      synopsis: '--number N --reason TEXT',
      summary:
        'suspend an agreement (PKS Pasal 6, force majeure): data requests and card reads get 403 agreement_suspended',
      options: {
        number: { type: 'string', required: true },
        reason: { type: 'string', required: true },
      },
      run: async (values) =>
        (await import('../admin.ts')).adminCommand('suspend-agreement', values),
    }),
    leaf({
      name: 'resume-agreement',
      synopsis: '--number N [--note TEXT]',
      summary: 'resume a suspended agreement under the same number',
      options: {
        number: { type: 'string', required: true },
        note: { type: 'string' },
      },
      run: async (values) => (await import('../admin.ts')).adminCommand('resume-agreement', values),
    }),
    leaf({
      name: 'terminate',
      synopsis: '--number N --reason REASON [--note TEXT] [--at ISO-TIME]',
      summary: 'terminate an agreement: data requests stop and readers are switched off',
      details: 'REASON is one of the termination reasons of docs/policy.md.',
      options: {
        number: { type: 'string', required: true },
        reason: { type: 'string', required: true },
        note: { type: 'string' },
        at: { type: 'string' },
      },
      run: async (values) => (await import('../admin.ts')).adminCommand('terminate', values),
    }),
    leaf({
      name: 'iso27001',
      synopsis: '--number N --submitted YYYY-MM-DD',
      summary: "record the submission of the agency's ISO 27001 certificate",
      options: {
        number: { type: 'string', required: true },
        submitted: { type: 'string', required: true },
      },
      run: async (values) => (await import('../admin.ts')).adminCommand('iso27001', values),
    }),
    leaf({
      name: 'clients',
      synopsis: '',
      summary: 'the clients and whether each is suspended',
      options: {},
      run: async () => (await import('../admin.ts')).adminCommand('clients', {}),
    }),
    leaf({
      name: 'readers',
      synopsis: '',
      summary: 'the card readers and their states (enrol and change them with the admin API)',
      options: {},
      run: async () => (await import('../admin.ts')).adminCommand('readers', {}),
    }),
    leaf({
      name: 'suspend',
      synopsis: '--client ID --reason TEXT',
      summary: 'suspend a client: its data requests get 403 client_suspended',
      options: {
        client: { type: 'string', required: true },
        reason: { type: 'string', required: true },
      },
      run: async (values) => (await import('../admin.ts')).adminCommand('suspend', values),
    }),
    leaf({
      name: 'resume',
      synopsis: '--client ID',
      summary: 'resume a suspended client',
      options: { client: { type: 'string', required: true } },
      run: async (values) => (await import('../admin.ts')).adminCommand('resume', values),
    }),
  ],
);

export const RETURN_DATA_COMMANDS: CommandGroup = group(
  'return-data',
  'the return-data outbox (docs/return-data.md)',
  [
    leaf({
      name: 'status',
      synopsis: '',
      summary: 'deliveries by state',
      options: {},
      run: async () => (await import('../return-data.ts')).returnDataCommand('status', {}),
    }),
    leaf({
      name: 'dead-letters',
      synopsis: '',
      summary: 'deliveries that gave up, with the last error',
      options: {},
      run: async () => (await import('../return-data.ts')).returnDataCommand('dead-letters', {}),
    }),
    leaf({
      name: 'retry',
      synopsis: '--id ID [--id ID ...] | --all',
      summary: 'put dead letters back in the queue (a running gateway picks them up)',
      options: { id: { type: 'string', multiple: true }, all: { type: 'boolean' } },
      run: async (values) => (await import('../return-data.ts')).returnDataCommand('retry', values),
    }),
  ],
);
