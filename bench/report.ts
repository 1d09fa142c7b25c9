/** The bench's ratios, verdicts, printed table and JSON record. */
import type { OpenLoopResult } from './open-loop.ts';
import type { QuotaResult } from './quota-phase.ts';
import type { TargetResult } from './throughput.ts';

export const GOALS = {
  /** Gerbang's CPU per lookup over the bare proxy's per request (a throughput ratio of about 0.6). */
  cpuPerLookupVsBareProxy: 1.7,
  addedP99Ms: 2,
  rssMbMax: 200,
  /** The soak's last minute within 10 % of its first. */
  rssGrowth: 1.1,
  quotaUtilisation: 0.97,
};

export interface Verdict {
  goal: string;
  measured: number | null;
  holds: boolean | null;
  /** Why holds is null though a figure was measured. */
  note?: string;
}

/**
 * Whether the machine carried the open loop's rate: the bare proxy's own p99 within this bound
 * and its rate achieved. Otherwise both p99s measure a queue, and their difference is noise.
 */
export const CARRIED_P99_MS = 50;

function addedP99Verdict(latency: Latency | undefined): Verdict {
  const goal = `≤ ${GOALS.addedP99Ms} ms at ${Math.round((latency?.fraction ?? 0.5) * 100)} % of the bare proxy's capacity`;
  if (latency === undefined) return { goal, measured: null, holds: null };
  const bare = latency.bare_proxy;
  const measured = latency.added_p99_ms;
  if (bare.p99 > CARRIED_P99_MS || bare.achieved < latency.open_loop_rps * 0.95 || bare.failed > 0)
    return {
      goal,
      measured,
      holds: null,
      note: `the machine did not carry ${latency.open_loop_rps} req/s: the bare proxy's own p99 ${bare.p99} ms (over ${CARRIED_P99_MS} ms), ${bare.achieved} req/s achieved, ${bare.failed} failed`,
    };
  return { goal, measured, holds: measured <= GOALS.addedP99Ms };
}

export const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a != null && b != null && b > 0 ? Math.round((a / b) * 100) / 100 : null;

export type Ratios = Record<
  'lookup_vs_bare_proxy' | 'lookup_vs_nginx' | 'verify_vs_bare_proxy' | 'bare_proxy_vs_simulator',
  { requests_per_second: number | null; cpu_us_per_request: number | null }
>;

export function ratios(results: TargetResult[]): Ratios {
  const of = (key: TargetResult['key']) => results.find((r) => r.key === key);
  const both = (a: TargetResult['key'], b: TargetResult['key']) => ({
    requests_per_second: ratio(of(a)?.requestsPerSecond, of(b)?.requestsPerSecond),
    cpu_us_per_request: ratio(of(a)?.cpuUsPerRequest, of(b)?.cpuUsPerRequest),
  });
  return {
    lookup_vs_bare_proxy: both('lookup', 'bare'),
    lookup_vs_nginx: both('lookup', 'nginx'),
    verify_vs_bare_proxy: both('verify', 'bare'),
    bare_proxy_vs_simulator: both('bare', 'simulator'),
  };
}

type OpenLoopTarget = OpenLoopResult & {
  targetCpuPercent: number;
  coresBusyPercent: Record<number, number>;
};

export interface Latency {
  fraction: number;
  open_loop_rps: number;
  bare_proxy: OpenLoopTarget;
  gateway: OpenLoopTarget;
  added_p50_ms: number;
  added_p99_ms: number;
}

export interface Soak {
  seconds: number;
  firstMinuteMb: number;
  lastMinuteMb: number;
  maxMb: number;
}

const verdict = (
  goal: string,
  measured: number | null | undefined,
  holds: (m: number) => boolean,
) =>
  measured == null
    ? { goal, measured: null, holds: null }
    : { goal, measured, holds: holds(measured) };

export function verdicts(
  r: Ratios,
  latency: Latency | undefined,
  rssMax: number | undefined,
  soak: Soak | undefined,
  quota: QuotaResult | undefined,
): Record<string, Verdict> {
  return {
    cpu_per_lookup_vs_bare_proxy: verdict(
      `≤ ${GOALS.cpuPerLookupVsBareProxy} × the bare proxy's CPU µs per request`,
      r.lookup_vs_bare_proxy.cpu_us_per_request,
      (m) => m <= GOALS.cpuPerLookupVsBareProxy,
    ),
    added_p99_ms: addedP99Verdict(latency),
    rss_mb_max: verdict(`≤ ${GOALS.rssMbMax} MiB`, rssMax, (m) => m <= GOALS.rssMbMax),
    rss_flat: verdict(
      'soak: last minute within 10 % of the first (measured: last / first)',
      soak === undefined ? undefined : ratio(soak.lastMinuteMb, soak.firstMinuteMb),
      (m) => m <= GOALS.rssGrowth,
    ),
    quota_never_exceeded: verdict(
      '0 calls over the quota',
      quota?.secondsOverQuota,
      (m) => m === 0,
    ),
    quota_utilisation: verdict(
      `≥ ${GOALS.quotaUtilisation} of the quota used`,
      quota?.utilisation,
      (m) => m >= GOALS.quotaUtilisation,
    ),
  };
}

const cell = (value: string | number | null | undefined, width: number) =>
  String(value ?? '-').padStart(width);

export function printTable(results: TargetResult[]): void {
  console.log(
    'target                               req/s  µs CPU/req  CPU %  cores %     p50     p99   p99.9  non2xx  errors  rss MiB',
  );
  for (const r of results)
    console.log(
      `${r.name.padEnd(34)} ${cell(r.requestsPerSecond, 7)} ${cell(r.cpuUsPerRequest, 11)} ${cell(r.cpuPercent, 6)} ${cell(Object.values(r.coresBusyPercent).join('/'), 8)} ${cell(r.latencyMs.p50, 7)} ${cell(r.latencyMs.p99, 7)} ${cell(r.latencyMs.p999, 7)} ${cell(r.non2xx, 7)} ${cell(r.errors, 7)} ${cell(r.maxRssMb, 8)}`,
    );
}

export function printVerdicts(all: Record<string, Verdict>): void {
  console.log('\ntarget                          goal / measured / holds');
  for (const [name, v] of Object.entries(all))
    console.log(
      `${name.padEnd(31)} ${v.holds === null ? (v.note === undefined ? 'not measured' : 'no verdict') : v.holds ? 'yes' : 'NO '}  ${v.measured ?? '-'}  (${v.goal})${v.note === undefined ? '' : `: ${v.note}`}`,
    );
}

export function printPhases(
  latency: Latency | undefined,
  soak: Soak | undefined,
  quota: QuotaResult | undefined,
): void {
  if (latency) {
    const { bare_proxy: b, gateway: g } = latency;
    console.log(
      `\nopen loop at ${latency.open_loop_rps} req/s (${latency.fraction} × the bare proxy's capacity): bare proxy p50/p99 ${b.p50}/${b.p99} ms (${b.achieved} req/s, ${b.failed} failed, CPU ${b.targetCpuPercent} %, cores busy ${Object.values(b.coresBusyPercent).join('/')} %), Gerbang ${g.p50}/${g.p99} ms (${g.achieved} req/s, ${g.failed} failed, CPU ${g.targetCpuPercent} %, cores busy ${Object.values(g.coresBusyPercent).join('/')} %) → added p50 ${latency.added_p50_ms} ms, p99 ${latency.added_p99_ms} ms; the load generator's own lateness max ${b.generatorLatenessMs?.max ?? '-'}/${g.generatorLatenessMs?.max ?? '-'} ms`,
    );
  }
  if (soak)
    console.log(
      `soak ${soak.seconds}s at 1000 req/s: RSS first minute ${soak.firstMinuteMb} MiB, last minute ${soak.lastMinuteMb} MiB, max ${soak.maxMb} MiB`,
    );
  if (quota) {
    const late = quota.simulatorLatenessMs;
    console.log(
      `50 ms upstream, quota ${quota.quotaPerSecond}/s: upstream ${quota.upstreamCallsPerSecond}/s (${Math.round(quota.utilisation * 100)} % busy), busiest second ${quota.busiestSecond}, calls over quota ${quota.secondsOverQuota}, gateway CPU ${quota.gatewayCpuPercent} %, cores busy ${Object.values(quota.coresBusyPercent).join('/')} %, simulator lateness ${late ? `p50/p99/max ${late.p50}/${late.p99}/${late.max} ms` : 'not reported'}`,
    );
  }
}
