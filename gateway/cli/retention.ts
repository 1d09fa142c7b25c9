/**
 * `gerbang retention scan [--self-test] [--logs PATH ...] [--tmp PATH ...]`: searches the
 * instance's data directory, its logs and its temporary directory for anything of a resident.
 * Prints each finding with file and offset, records the result in the audit trail, and exits 1
 * when it found anything.
 */
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { scanForResidents } from '../services/no-retention/scanner.ts';
import { openAuditStore } from '../server/audit-store.ts';
import { loadConfig } from '../config/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { instanceGatewayUrl } from './gateway-access.ts';
import { gatewayUrlOption, UsageError } from './args.ts';
import { CliError, EXIT, say, warn } from './output.ts';

/** The temporary directory Gerbang's runtime could use: tsx's cache (disabled by bin/gerbang.js). */
function defaultTemporaryPaths(): string[] {
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : userInfo().username;
  return [join(tmpdir(), `tsx-${uid}`)].filter((path) => existsSync(path));
}

export async function retentionScan(values: {
  'self-test': boolean;
  gateway: string | undefined;
  logs: string[] | undefined;
  tmp: string[] | undefined;
}): Promise<number> {
  // A misspelt path would otherwise be "scanned" and reported clean: false evidence.
  for (const [option, given] of [
    ['--logs', values.logs],
    ['--tmp', values.tmp],
  ] as const)
    for (const path of given ?? [])
      if (!existsSync(path))
        throw new CliError(
          `${option} ${path} does not exist: nothing could be scanned there`,
          EXIT.usage,
        );
  const gateway = gatewayUrlOption('--gateway', values.gateway);
  if (gateway !== undefined && !values['self-test'])
    throw new UsageError('--gateway is for --self-test, which sends the test requests there');
  const location = resolveInstance();
  const config = loadConfig(location.configPath);
  let steps: { step: string; outcome: string }[] = [];
  if (values['self-test']) {
    const { runDataPaths } = await import('./no-retention/self-test.ts');
    steps = await runDataPaths({
      gatewayUrl: gateway ?? instanceGatewayUrl(location, config),
      pkiDir: location.pkiDir,
      config,
    });
    for (const step of steps) say(`self-test ${step.step}: ${step.outcome}`);
  }
  const paths = [
    location.dataDir,
    ...(values.logs ?? []),
    ...(values.tmp ?? defaultTemporaryPaths()),
  ];
  // Loaded only by this command, so that the gateway process never holds the canary strings.
  const { CANARY_STRINGS } = await import('../services/no-retention/canary-strings.ts');
  const report = scanForResidents(paths, CANARY_STRINGS);
  for (const finding of report.findings)
    warn(
      `FOUND ${finding.kind} (${finding.encoding}) ${finding.masked} in ${finding.file} at byte ${finding.offset}`,
    );
  const audit = openAuditStore(config, location.dataDir);
  try {
    await audit.append({
      type: 'system',
      event: 'retention_scan',
      outcome: report.findings.length === 0 ? 'success' : 'error',
      principal: { id: `cli:${userInfo().username}`, role: 'admin', certificateFingerprint: '-' },
      detail: {
        files: report.files,
        bytes: report.bytes,
        findings: report.findings.length,
        selfTest: values['self-test'],
        steps: steps.map((s) => `${s.step}=${s.outcome}`).join(',') || 'none',
      },
    });
  } finally {
    await audit.close();
  }
  say(
    `scanned ${report.files} files (${report.bytes} bytes) in ${paths.join(', ')}: ${report.findings.length === 0 ? 'nothing of a resident found' : `${report.findings.length} finding(s)`}`,
  );
  return report.findings.length > 0 ? EXIT.failure : EXIT.ok;
}
