/**
 * Every `gerbang` command, once: its options, its usage and its handler. The top-level help, each
 * command's `--help`, the dispatcher and the CLI tests are derived from this table. Handlers are
 * imported when their command runs, so that the gateway process never loads the PC/SC binding,
 * the simulator's population or the report code, and `gerbang reader --help` works on a machine
 * without the PC/SC binding.
 */
import { group, leaf, type Command } from './command.ts';

const ROLES = 'app, officer, evaluator, admin, reader';
const AGENT_FILES =
  "--ca, --cert and --key default to the instance's pki/ca.crt and pki/clients/ID.crt|.key;\n--gateway defaults to the instance's gateway (GERBANG_HOST/GERBANG_PORT, or server.host/port).";
const ROTATION_OUT =
  '--out BASE writes BASE.crt and BASE.key; by default pki/server-DATE, pki/audit-signing-DATE or\npki/report-signing-DATE, beside the current ones, which a rotation keeps (docs/operations.md).';

export const COMMANDS: readonly Command[] = [
  leaf({
    name: 'demo',
    synopsis: '',
    summary: 'first start creates a demo instance; then runs the simulator and the gateway',
    details:
      "GERBANG_PORT and GERBANG_SIM_PORT set the ports of the gateway and the simulator (0: any free\nport), GERBANG_HOST the gateway's address (0.0.0.0 in a container).",
    options: {},
    run: async () => (await import('./run.ts')).demoCommand(),
  }),
  leaf({
    name: 'serve',
    synopsis: '',
    summary: 'run the gateway of the configured instance',
    details:
      'GERBANG_HOST and GERBANG_PORT override server.host and server.port; GERBANG_SIM_PORT the port of\nupstream.baseUrl.',
    options: {},
    run: async () => (await import('./run.ts')).serveCommand(),
  }),
  leaf({
    name: 'sim',
    synopsis: '[--port N]',
    summary: "run the Dukcapil simulator with the instance's upstream credentials",
    details: '--port defaults to GERBANG_SIM_PORT, else the port of upstream.baseUrl.',
    options: { port: { type: 'string' } },
    run: async (values) => (await import('./run.ts')).simCommand(values),
  }),
  group('certs', "the instance's PKI: CA, certificates, CRL", [
    leaf({
      name: 'init',
      synopsis: '[--san NAME ...]',
      summary: 'create the CA, a server certificate and an empty CRL',
      options: { san: { type: 'string', multiple: true } },
      run: async (values) => (await import('./certs.ts')).certsCommand('init', values),
    }),
    leaf({
      name: 'issue',
      synopsis: '--id ID --role ROLE [--p12] [--days N]',
      summary: 'issue a client certificate (CN = principal id, OU = role)',
      details: `ROLE is one of ${ROLES};\n--p12 also writes a PKCS#12 bundle and its password; --days 1-3650 (default 825).`,
      options: {
        id: { type: 'string', required: true },
        role: { type: 'string', required: true },
        p12: { type: 'boolean' },
        days: { type: 'string' },
      },
      run: async (values) => (await import('./certs.ts')).certsCommand('issue', values),
    }),
    leaf({
      name: 'revoke',
      synopsis: '--id ID [--serial HEX]',
      summary: 'revoke the certificates of ID (or one of them) and publish the CRL',
      options: { id: { type: 'string', required: true }, serial: { type: 'string' } },
      run: async (values) => (await import('./certs.ts')).certsCommand('revoke', values),
    }),
    leaf({
      name: 'crl',
      synopsis: '',
      summary: 'publish a fresh CRL (valid 30 days: monthly, and after every revocation)',
      details: 'Copy it to server.crlFile; the running gateway applies it within a second.',
      options: {},
      run: async () => (await import('./certs.ts')).certsCommand('crl', {}),
    }),
    leaf({
      name: 'server',
      synopsis: '[--san NAME ...] [--days N] [--out BASE]',
      summary: 'a new server certificate and key beside the current ones, for a rotation',
      details: ROTATION_OUT,
      options: {
        san: { type: 'string', multiple: true },
        days: { type: 'string' },
        out: { type: 'string' },
      },
      run: async (values) => (await import('./certs.ts')).certsCommand('server', values),
    }),
    leaf({
      name: 'signing',
      synopsis: '--purpose audit|reports [--days N] [--out BASE]',
      summary: 'a new audit or report signing certificate and key, for a rotation',
      details: ROTATION_OUT,
      options: {
        purpose: { type: 'string', required: true },
        days: { type: 'string' },
        out: { type: 'string' },
      },
      run: async (values) => (await import('./certs.ts')).certsCommand('signing', values),
    }),
  ]),
  group('config', 'the configuration file', [
    leaf({
      name: 'check',
      synopsis: '',
      summary: 'validate the configuration and the permissions of its secret files',
      options: {},
      run: async () => (await import('./run.ts')).configCheckCommand(),
    }),
  ]),
  leaf({
    name: 'health',
    synopsis: '',
    summary: 'liveness for container healthchecks: a TLS handshake with the local gateway',
    details:
      'The gateway must present its configured certificate; no request is sent, nothing is audited.\nIt is looked for at GERBANG_HOST/GERBANG_PORT, else server.host/port (0.0.0.0 and :: mean 127.0.0.1).',
    options: {},
    run: async () => (await import('./health.ts')).healthCommand(),
  }),
  leaf({
    name: 'doctor',
    synopsis: '[--json] [--credentials DIR]',
    summary:
      'check an instance: configuration, key modes, certificates, clock, gateway, upstream, SIEM,\ndisk space, agreement; exits 1 on a failure',
    details:
      "--credentials DIR   where credential:NAME secrets are, when not run by systemd\n                    (the directory the unit's LoadCredential= lines read from)\n--json              the verdict and every check as JSON",
    options: { json: { type: 'boolean' }, credentials: { type: 'string' } },
    run: async (values) => (await import('./doctor/command.ts')).doctorCommand(values),
  }),
  group('audit', 'the audit trail', [
    leaf({
      name: 'verify',
      synopsis: '[FILE] [--ca CA.crt]',
      summary:
        'verify the live audit trail, or an export offline (exit 1 names the first bad record)',
      options: { ca: { type: 'string' } },
      positionals: { name: 'FILE', min: 0, max: 1 },
      run: async (values, [file]) => (await import('./audit.ts')).auditVerify(values, file),
    }),
    leaf({
      name: 'export',
      synopsis: '--out FILE [--from TIME] [--to TIME]',
      summary: 'a JSON Lines export sealed with a fresh signed checkpoint',
      options: {
        out: { type: 'string', required: true },
        from: { type: 'string' },
        to: { type: 'string' },
      },
      run: async (values) => (await import('./audit.ts')).auditExport(values),
    }),
    leaf({
      name: 'purge',
      synopsis: '[--before TIME]',
      summary: 'remove records older than the retention period behind a signed anchor',
      options: { before: { type: 'string' } },
      run: async (values) => (await import('./audit.ts')).auditPurge(values),
    }),
    leaf({
      name: 'proof',
      synopsis: '--seq N [--size M] | --old-size A [--size M]',
      summary:
        'RFC 6962 proofs: inclusion of record N, or consistency of checkpoint A, in checkpoint M',
      details: 'M defaults to the newest signed checkpoint.',
      options: {
        seq: { type: 'string' },
        size: { type: 'string' },
        'old-size': { type: 'string' },
      },
      run: async (values) => (await import('./audit.ts')).auditProof(values),
    }),
  ]),
  group('admin', 'agreements, clients and readers, as the admin API (docs/policy.md)', [
    leaf({
      name: 'agreements',
      synopsis: '',
      summary: 'the agreements, their states and ISO 27001 deadlines',
      options: {},
      run: async () => (await import('./admin.ts')).adminCommand('agreements', {}),
    }),
    leaf({
      name: 'renew',
      synopsis:
        '--number N --follows OLD --signed YYYY-MM-DD --from YYYY-MM-DD --until YYYY-MM-DD [--addendum]',
      summary: 'record a renewal (or with --addendum an addendum) of an agreement',
      options: {
        number: { type: 'string', required: true },
        follows: { type: 'string', required: true },
        signed: { type: 'string', required: true },
        from: { type: 'string', required: true },
        until: { type: 'string', required: true },
        addendum: { type: 'boolean' },
      },
      run: async (values) => (await import('./admin.ts')).adminCommand('renew', values),
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
      run: async (values) => (await import('./admin.ts')).adminCommand('terminate', values),
    }),
    leaf({
      name: 'iso27001',
      synopsis: '--number N --submitted YYYY-MM-DD',
      summary: "record the submission of the agency's ISO 27001 certificate",
      options: {
        number: { type: 'string', required: true },
        submitted: { type: 'string', required: true },
      },
      run: async (values) => (await import('./admin.ts')).adminCommand('iso27001', values),
    }),
    leaf({
      name: 'clients',
      synopsis: '',
      summary: 'the clients and whether each is suspended',
      options: {},
      run: async () => (await import('./admin.ts')).adminCommand('clients', {}),
    }),
    leaf({
      name: 'readers',
      synopsis: '',
      summary: 'the card readers and their states (enrol and change them with the admin API)',
      options: {},
      run: async () => (await import('./admin.ts')).adminCommand('readers', {}),
    }),
    leaf({
      name: 'suspend',
      synopsis: '--client ID --reason TEXT',
      summary: 'suspend a client: its data requests get 403 client_suspended',
      options: {
        client: { type: 'string', required: true },
        reason: { type: 'string', required: true },
      },
      run: async (values) => (await import('./admin.ts')).adminCommand('suspend', values),
    }),
    leaf({
      name: 'resume',
      synopsis: '--client ID',
      summary: 'resume a suspended client',
      options: { client: { type: 'string', required: true } },
      run: async (values) => (await import('./admin.ts')).adminCommand('resume', values),
    }),
  ]),
  group('vcard', 'virtual SAM and KTP-el cards for vpcd (development, tests)', [
    leaf({
      name: 'sam',
      synopsis: '[--port 35963] [--host H] [--key FILE --cert FILE]',
      summary: 'insert the demo SAM (or the one given) into vpcd',
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        key: { type: 'string' },
        cert: { type: 'string' },
      },
      run: async (values) => (await import('./cards.ts')).vcardCommand('sam', values),
    }),
    leaf({
      name: 'ktp',
      synopsis: '--nik NIK [--port 35964] [--host H] [--issuer-key FILE] [--forged]',
      summary: "insert a simulator resident's KTP-el into vpcd (--forged: with a bad signature)",
      options: {
        nik: { type: 'string', required: true },
        port: { type: 'string' },
        host: { type: 'string' },
        'issuer-key': { type: 'string' },
        forged: { type: 'boolean' },
      },
      run: async (values) => (await import('./cards.ts')).vcardCommand('ktp', values),
    }),
  ]),
  group('reader', 'the reader agent (docs/readers.md); needs the PC/SC binding', [
    leaf({
      name: 'read',
      synopsis:
        '--reader-id ID --purpose P --reference R --operator O [--fields a,b] [--gateway URL] [--ca FILE] [--cert FILE] [--key FILE]',
      summary: 'read one KTP-el and send it through the gateway',
      details: AGENT_FILES,
      options: {
        'reader-id': { type: 'string', required: true },
        purpose: { type: 'string', required: true },
        reference: { type: 'string', required: true },
        operator: { type: 'string', required: true },
        fields: { type: 'string' },
        gateway: { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
      },
      run: async (values) => (await import('./cards.ts')).readerCommand('read', values),
    }),
    leaf({
      name: 'serve',
      synopsis:
        '--reader-id ID [--port 8444] [--gateway URL] [--ca FILE] [--cert FILE] [--key FILE]',
      summary: 'serve card reads to counter applications: POST /read on 127.0.0.1',
      details: AGENT_FILES,
      options: {
        'reader-id': { type: 'string', required: true },
        port: { type: 'string' },
        gateway: { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
      },
      run: async (values) => (await import('./cards.ts')).readerCommand('serve', values),
    }),
  ]),
  group('return-data', 'the return-data outbox (docs/return-data.md)', [
    leaf({
      name: 'status',
      synopsis: '',
      summary: 'deliveries by state',
      options: {},
      run: async () => (await import('./return-data.ts')).returnDataCommand('status', {}),
    }),
    leaf({
      name: 'dead-letters',
      synopsis: '',
      summary: 'deliveries that gave up, with the last error',
      options: {},
      run: async () => (await import('./return-data.ts')).returnDataCommand('dead-letters', {}),
    }),
    leaf({
      name: 'retry',
      synopsis: '--id ID [--id ID ...] | --all',
      summary: 'put dead letters back in the queue (a running gateway picks them up)',
      options: { id: { type: 'string', multiple: true }, all: { type: 'boolean' } },
      run: async (values) => (await import('./return-data.ts')).returnDataCommand('retry', values),
    }),
  ]),
  group('report', 'signed compliance reports: JSON, CMS signature, HTML (docs/reports.md)', [
    leaf({
      name: 'semester',
      synopsis: '--year YYYY --half 1|2 --out DIR',
      summary: 'the semester report for Dukcapil',
      options: {
        year: { type: 'string', required: true },
        half: { type: 'string', required: true },
        out: { type: 'string', required: true },
      },
      run: async (values) => (await import('./report.ts')).reportCommand('semester', values),
    }),
    leaf({
      name: 'status',
      synopsis: '--out DIR',
      summary: 'a report of the period so far',
      options: { out: { type: 'string', required: true } },
      run: async (values) => (await import('./report.ts')).reportCommand('status', values),
    }),
    leaf({
      name: 'verify',
      synopsis: 'DIR [--ca ca.crt]',
      summary: 'check that DIR/report.json matches its signature',
      options: { ca: { type: 'string' } },
      positionals: { name: 'DIR', min: 1, max: 1 },
      run: async (values, [dir]) => (await import('./report.ts')).reportVerify(values, dir ?? ''),
    }),
  ]),
  group('retention', 'no population data at rest (docs/no-retention.md)', [
    leaf({
      name: 'scan',
      synopsis: '[--self-test] [--gateway URL] [--logs PATH ...] [--tmp PATH ...]',
      summary: 'prove that nothing of a resident is on disk; exits 1 on any finding',
      details:
        '--self-test first runs every data path with the canary residents through the gateway\n(--gateway, else GERBANG_HOST/GERBANG_PORT or server.host/port).',
      options: {
        'self-test': { type: 'boolean' },
        gateway: { type: 'string' },
        logs: { type: 'string', multiple: true },
        tmp: { type: 'string', multiple: true },
      },
      run: async (values) => (await import('./retention.ts')).retentionScan(values),
    }),
  ]),
  leaf({
    name: 'verify-batch',
    synopsis:
      '--in FILE.csv --out FILE.csv --purpose P [--threshold 0-100] [--gateway URL]\n       [--client ID | --cert FILE --key FILE] [--ca FILE] [--operator ID] [--rate N]\n       [--concurrency N] [--attempts N] [--retry-errors]',
    summary: "verify the agency's own file through the gateway, paced by its quota, resumable",
    details: `The header of FILE.csv names canonical elements: nik and any of no_kk, nama_lengkap,
jenis_kelamin, tempat_lahir, tanggal_lahir, status_perkawinan, jenis_pekerjaan, alamat.
Progress is checkpointed in OUT.progress; run the same command again to resume.

exit status: 0 done; 3 done with rows in error; 75 stopped by the daily quota or an
unreachable gateway or Dukcapil (resume later); 130 interrupted (resume); 1 stopped by a
refusal every row would get; 64 usage.`,
    options: {
      in: { type: 'string', required: true },
      out: { type: 'string', required: true },
      purpose: { type: 'string', required: true },
      threshold: { type: 'string' },
      gateway: { type: 'string' },
      client: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      ca: { type: 'string' },
      operator: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      attempts: { type: 'string' },
      'retry-errors': { type: 'boolean' },
    },
    run: async (values) => (await import('./verify-batch.ts')).verifyBatchCommand(values),
  }),
];
