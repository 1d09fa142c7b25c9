/**
 * The commands that produce and check evidence: the audit trail (verify, export, purge, proofs),
 * the signed compliance reports, and the no-retention scan.
 */
import { group, leaf, type CommandGroup } from '../command.ts';

export const AUDIT_COMMANDS: CommandGroup = group('audit', 'the audit trail', [
  leaf({
    name: 'verify',
    synopsis:
      '[FILE] [--ca CA.crt] [--tsa-ca TSA-CA.crt] [--anchor SIZE:ROOT ...] [--anchor-report DIR ...] [--anchor-siem FILE ...]',
    summary:
      'verify the live audit trail, or an export offline (exit 1 names the first bad record)',
    details:
      'Anchors are tree heads kept outside the appliance (an earlier report, the SIEM, a note):\nthe trail must still be that tree at each size, and not shorter (docs/audit.md).\nCheckpoints time-stamped by an RFC 3161 authority are checked against --tsa-ca\n(default: audit.timestampAuthority.caFile of the instance).',
    options: {
      ca: { type: 'string' },
      'tsa-ca': { type: 'string' },
      anchor: { type: 'string', multiple: true },
      'anchor-report': { type: 'string', multiple: true },
      'anchor-siem': { type: 'string', multiple: true },
    },
    positionals: { name: 'FILE', min: 0, max: 1 },
    run: async (values, [file]) => (await import('../audit.ts')).auditVerify(values, file),
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
    run: async (values) => (await import('../audit.ts')).auditExport(values),
  }),
  leaf({
    name: 'purge',
    synopsis: '[--before TIME]',
    summary: 'remove records older than the retention period behind a signed anchor',
    options: { before: { type: 'string' } },
    run: async (values) => (await import('../audit.ts')).auditPurge(values),
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
    run: async (values) => (await import('../audit.ts')).auditProof(values),
  }),
]);

export const REPORT_COMMANDS: CommandGroup = group(
  'report',
  'signed compliance reports: JSON, CMS signature, HTML (docs/reports.md)',
  [
    leaf({
      name: 'semester',
      synopsis: '--year YYYY --half 1|2 --out DIR',
      summary: 'the semester report for Dukcapil',
      options: {
        year: { type: 'string', required: true },
        half: { type: 'string', required: true },
        out: { type: 'string', required: true },
      },
      run: async (values) => (await import('../report.ts')).reportCommand('semester', values),
    }),
    leaf({
      name: 'status',
      synopsis: '--out DIR',
      summary: 'a report of the period so far',
      options: { out: { type: 'string', required: true } },
      run: async (values) => (await import('../report.ts')).reportCommand('status', values),
    }),
    leaf({
      name: 'due',
      synopsis: '',
      summary: 'the semester report due next (PKS Pasal 8(1)): due date, made or not',
      options: {},
      run: async () => (await import('../report.ts')).reportDueCommand(),
    }),
    leaf({
      name: 'verify',
      synopsis: 'DIR [--ca ca.crt]',
      summary: 'check that DIR/report.json matches its signature',
      options: { ca: { type: 'string' } },
      positionals: { name: 'DIR', min: 1, max: 1 },
      run: async (values, [dir]) => (await import('../report.ts')).reportVerify(values, dir ?? ''),
    }),
  ],
);

export const RETENTION_COMMANDS: CommandGroup = group(
  'retention',
  'no population data at rest (docs/no-retention.md)',
  [
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
      run: async (values) => (await import('../retention.ts')).retentionScan(values),
    }),
  ],
);
