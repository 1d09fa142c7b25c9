/**
 * `gerbang audit verify [FILE] [--ca FILE]`, `gerbang audit export --out FILE [--from T] [--to T]`,
 * `gerbang audit purge [--before T]`, and `gerbang audit proof` (audit-proof.ts, re-exported);
 * what verification prints is audit-verdict.ts. Verification of a file needs no instance (an evaluator's
 * laptop will do), only the CA certificate. Commands that touch the live trail record themselves
 * in it.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseExportLines, verifyExport, type AuditEvent } from '../../audit/index.ts';
import {
  DAY_MS,
  latestRetentionCutoff,
  parseIsoInstant,
  refuseCutoffInsideRetention,
} from '../../policies/index.ts';
import { auditTrustAnchorPem, openAuditStore } from '../server/audit-store.ts';
import { loadConfig } from '../config/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { anchorsFrom } from './audit-anchors.ts';
import { report, reportTimestamps, tsaCaOf, verdict } from './audit-verdict.ts';
import { CliError, displayPath, EXIT, say } from './output.ts';

export { auditProof } from './audit-proof.ts';

function cliPrincipal(): NonNullable<AuditEvent['principal']> {
  return { id: `cli:${userInfo().username}`, role: 'admin', certificateFingerprint: '-' };
}

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const time = parseIsoInstant(value);
  if (time === undefined)
    throw new CliError(
      `${name} must be an ISO 8601 date or time with a zone, from 2000 to 2100 (2026-07-01 or 2026-07-01T08:00+08:00)`,
      EXIT.usage,
    );
  return time;
}

/** `audit verify [FILE]`: the live trail, or an export offline (only the CA is needed). */
export async function auditVerify(
  values: {
    ca: string | undefined;
    'tsa-ca'?: string | undefined;
    anchor?: string[] | undefined;
    'anchor-report'?: string[] | undefined;
    'anchor-siem'?: string[] | undefined;
  },
  file: string | undefined,
): Promise<void> {
  const anchors = anchorsFrom(values);
  if (file !== undefined) {
    let caPem = values.ca === undefined ? undefined : readFileSync(values.ca, 'utf8');
    let tsaCaPem = tsaCaOf(values, undefined);
    if (caPem === undefined || tsaCaPem === undefined) {
      const location = resolveInstance();
      if (existsSync(location.configPath)) {
        const config = loadConfig(location.configPath);
        caPem ??= auditTrustAnchorPem(config);
        tsaCaPem ??= tsaCaOf(values, config.audit.timestampAuthority?.caFile);
      }
    }
    if (caPem === undefined)
      throw new CliError(
        'pass --ca FILE: the CA that issued the audit signing certificate',
        EXIT.usage,
      );
    const text = readFileSync(file, 'utf8');
    const checked = await verdict(
      verifyExport(parseExportLines(text), {
        caCertificatePem: caPem,
        requireFinalCheckpoint: true,
        anchors,
      }),
      () => parseExportLines(text),
      tsaCaPem,
    );
    report(checked.result, file);
    reportTimestamps(checked.timestamps, tsaCaPem);
    return;
  }
  const location = resolveInstance();
  const config = loadConfig(location.configPath);
  const store = openAuditStore(config, location.dataDir);
  try {
    const tsaCaPem = tsaCaOf(values, config.audit.timestampAuthority?.caFile);
    const checked = await verdict(
      store.verify(
        values.ca === undefined ? auditTrustAnchorPem(config) : readFileSync(values.ca, 'utf8'),
        anchors,
      ),
      () => store.exportLines({ sealWithFreshCheckpoint: false }),
      tsaCaPem,
    );
    const { result } = checked;
    await store.append({
      type: 'audit',
      event: 'verify',
      outcome: result.ok ? 'success' : 'error',
      principal: cliPrincipal(),
      detail: result.ok
        ? { records: result.records, anchors: anchors.length }
        : { firstBadSeq: result.firstBadSeq, anchors: anchors.length },
    });
    report(result, 'the audit trail');
    reportTimestamps(checked.timestamps, tsaCaPem);
  } finally {
    await store.close();
  }
}

export async function auditExport(values: {
  out: string;
  from: string | undefined;
  to: string | undefined;
}): Promise<void> {
  const from = parseTime(values.from, '--from');
  const to = parseTime(values.to, '--to');
  const location = resolveInstance();
  const config = loadConfig(location.configPath);
  const store = openAuditStore(config, location.dataDir);
  try {
    const fromIso = from === undefined ? undefined : new Date(from).toISOString();
    const toIso = to === undefined ? undefined : new Date(to).toISOString();
    await store.append({
      type: 'audit',
      event: 'export',
      outcome: 'success',
      principal: cliPrincipal(),
      detail: { from: fromIso ?? 'start', to: toIso ?? 'end', file: values.out },
    });
    const fromSeq =
      fromIso === undefined ? undefined : (store.seqAtTime(fromIso) ?? Number.MAX_SAFE_INTEGER);
    const toSeq =
      toIso === undefined ? undefined : (store.seqAtTime(toIso) ?? Number.MAX_SAFE_INTEGER) - 1;
    const fd = openSync(values.out, 'wx', 0o600);
    let records = 0;
    try {
      for (const line of store.exportLines({
        ...(fromSeq === undefined ? {} : { fromSeq }),
        ...(toSeq === undefined ? {} : { toSeq }),
        sealWithFreshCheckpoint: true,
      })) {
        if (line.kind === 'record') records++;
        writeSync(fd, `${JSON.stringify(line)}\n`);
      }
    } catch (error) {
      // Half an export (a full disk) is no export: removed, so that a retry can write it.
      closeSync(fd);
      rmSync(values.out, { force: true });
      throw error;
    }
    closeSync(fd);
    if (records === 0) {
      // An export without records proves nothing and would not verify: none is written.
      rmSync(values.out, { force: true });
      throw new CliError('no records in that range: nothing was exported', EXIT.usage);
    }
    say(
      `exported ${records} records to ${values.out}; verify with: gerbang audit verify ${values.out} --ca ${displayPath(config.server.clientCaFile)}`,
    );
  } finally {
    await store.close();
  }
}

/**
 * `audit purge [--before T]`: the cut-off defaults to the latest the retention period allows and
 * may not be later, measured from the earlier of this machine's clock and the trail's newest
 * record, so that neither a mistyped date nor a clock set ahead for one command erases evidence.
 */
export async function auditPurge(values: { before: string | undefined }): Promise<void> {
  const location = resolveInstance();
  const config = loadConfig(location.configPath);
  const requested = parseTime(values.before, '--before');
  const store = openAuditStore(config, location.dataDir);
  try {
    // A clock far ahead of the trail is a clock to check before anything is deleted by it (the
    // gateway holds its own purge the same way: gateway/services/retention).
    const newest = store.newestRecordTime();
    const aheadDays = newest === undefined ? 0 : (Date.now() - newest) / DAY_MS;
    if (aheadDays > config.clock.maxStartGapDays)
      throw new CliError(
        `this machine's clock is ${Math.floor(aheadDays)} days ahead of the trail's newest record (clock.maxStartGapDays is ${config.clock.maxStartGapDays}): check the time (chrony); nothing was purged`,
        EXIT.usage,
      );
    const latest = latestRetentionCutoff({
      now: Date.now(),
      retentionDays: config.audit.retentionDays,
      newestRecordTime: store.newestRecordTime(),
    });
    const refusal =
      requested === undefined ? undefined : refuseCutoffInsideRetention(requested, latest);
    if (refusal !== undefined)
      throw new CliError(
        `${refusal} (audit.retentionDays is ${config.audit.retentionDays}); nothing was purged`,
        EXIT.usage,
      );
    const cutoff = requested ?? latest;
    const { purged, throughSeq } = await store.purgeBefore(cutoff, {
      principal: cliPrincipal(),
      detail: { retentionDays: config.audit.retentionDays },
    });
    say(
      purged === 0
        ? 'nothing to purge'
        : `purged ${purged} records (through ${throughSeq}); a signed anchor keeps the rest verifiable, and the purge is recorded under a new checkpoint`,
    );
  } finally {
    await store.close();
  }
}
