/**
 * `npm run bench`: the simulator and the gateway as separate child processes in their demo
 * configuration (mutual TLS, full policy), loaded by autocannon from this process, measured in
 * one run: (a) the simulator directly; (b) lookups through the gateway with its audit in memory
 * (bench/unaudited-gateway.ts: what the pipeline costs without durable records); (c) lookups
 * through `gerbang serve`, every record durable (synchronous=FULL, group commit) before the
 * answer. Prints a table and writes bench/results/latest.json. Settings: BENCH_DURATION (s,
 * default 10), BENCH_CONNECTIONS (default 50).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/child-gateway.ts';
import { locateInstance } from '../gateway/config/instance.ts';
import { ensureDemoInstance } from '../gateway/demo/instance.ts';
import { readSecretText } from '../gateway/config/secrets.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const CANARY = '6474015709900001';

function start(args: string[], env: NodeJS.ProcessEnv, script = 'bin/gerbang.js'): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`gerbang ${args.join(' ')} exited with ${code}`);
  });
  return child;
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start`);
}

/** Samples a process's RSS (MiB) and CPU time (s) from /proc while a load runs. */
function sampleProcess(pid: number) {
  let maxRssMb = 0;
  const cpuSeconds = (): number => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks
  };
  const startCpu = cpuSeconds();
  const timer = setInterval(() => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) maxRssMb = Math.max(maxRssMb, Number(match[1]) / 1024);
  }, 250);
  return {
    stop: (seconds: number) => {
      clearInterval(timer);
      return {
        cpuPercent: Math.round(((cpuSeconds() - startCpu) / seconds) * 100),
        maxRssMb: Math.round(maxRssMb),
      };
    },
  };
}

interface Measured {
  name: string;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; p999: number };
  non2xx: number;
  errors: number;
  gatewayCpuPercent?: number;
  gatewayMaxRssMb?: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Measured> {
  await autocannon({ ...options, duration: 2, connections: CONNECTIONS }); // warm-up
  const result = await autocannon({ ...options, duration: DURATION, connections: CONNECTIONS });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9 },
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Waits until an mTLS endpoint answers 200. */
function answers(url: string, tlsOptions: object): () => Promise<boolean> {
  return () =>
    new Promise<boolean>((done) => {
      void autocannon({ url, amount: 1, connections: 1, tlsOptions }, (_error, result) => {
        done(result.errors === 0 && result['2xx'] === 1);
      });
    });
}

/** Scrapes one value from the gateway's Prometheus text. */
async function scrapeMetric(url: string, tlsOptions: object, name: string): Promise<number> {
  const { Agent, request } = await import('undici');
  const agent = new Agent({ connect: tlsOptions });
  try {
    const response = await request(`${url}/metrics`, { dispatcher: agent });
    const text = await response.body.text();
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  } finally {
    await agent.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gerbang-bench-'));
const children: ChildProcess[] = [];
try {
  const [gatewayPort, unauditedPort, simPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const location = locateInstance({ GERBANG_DATA_DIR: dir });
  await ensureDemoInstance(location, { gateway: gatewayPort, simulator: simPort });
  const config = JSON.parse(readFileSync(location.configPath, 'utf8')) as {
    upstream: { consumer: string; userId: string; ipUser: string; passwordFile: string };
  };
  const env = { GERBANG_DATA_DIR: dir };
  children.push(start(['sim'], env));
  const gateway = start(['serve'], env);
  children.push(gateway);
  const unaudited = start(
    ['bench/unaudited-gateway.ts'],
    { ...env, BENCH_PORT: String(unauditedPort) },
    'bin/run-ts.js',
  );
  children.push(unaudited);

  const pki = (file: string): string => readFileSync(join(location.pkiDir, file), 'utf8');
  const credentials = (id: string) => ({
    ca: pki('ca.crt'),
    cert: pki(`clients/${id}.crt`),
    key: pki(`clients/${id}.key`),
  });
  const tlsOptions = credentials('app-pendaftaran');
  const simUrl = `http://127.0.0.1:${simPort}`;
  const gatewayUrl = `https://127.0.0.1:${gatewayPort}`;
  const unauditedUrl = `https://127.0.0.1:${unauditedPort}`;
  await waitUntil(async () => (await fetch(`${simUrl}/__sim/state`)).ok, 'simulator');
  await waitUntil(answers(`${gatewayUrl}/healthz`, tlsOptions), 'gateway');
  await waitUntil(answers(`${unauditedUrl}/healthz`, tlsOptions), 'unaudited gateway');

  const upstreamBody = JSON.stringify({
    NIK: CANARY,
    user_id: config.upstream.userId,
    password: readSecretText(join(dir, config.upstream.passwordFile)),
    ip_user: config.upstream.ipUser,
  });
  const lookupRequest = {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', 'x-operator-id': 'bench' },
    body: JSON.stringify({ nik: CANARY, purpose: 'pendaftaran-wp', reference: 'BENCH-1' }),
    tlsOptions,
  };
  const results: Measured[] = [];
  results.push(
    await measure('simulator direct (CALL_NIK)', {
      url: `${simUrl}/dukcapil/get_json/${config.upstream.consumer}/CALL_NIK`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: upstreamBody,
    }),
  );
  const unauditedSampler = sampleProcess(unaudited.pid ?? 0);
  const unauditedLookup = await measure('lookup, audit in memory (not durable)', {
    url: `${unauditedUrl}/v1/nik/lookup`,
    ...lookupRequest,
  });
  const unauditedUsage = unauditedSampler.stop(DURATION + 2);
  results.push({
    ...unauditedLookup,
    gatewayCpuPercent: unauditedUsage.cpuPercent,
    gatewayMaxRssMb: unauditedUsage.maxRssMb,
  });
  const officer = credentials('officer-1');
  const commitsBefore = await scrapeMetric(gatewayUrl, officer, 'gerbang_audit_commits_total');
  const recordsBefore = await scrapeMetric(
    gatewayUrl,
    officer,
    'gerbang_audit_records_written_total',
  );
  const sampler = sampleProcess(gateway.pid ?? 0);
  const lookup = await measure('lookup, audit durable (gerbang serve)', {
    url: `${gatewayUrl}/v1/nik/lookup`,
    ...lookupRequest,
  });
  const usage = sampler.stop(DURATION + 2);
  results.push({ ...lookup, gatewayCpuPercent: usage.cpuPercent, gatewayMaxRssMb: usage.maxRssMb });
  const commits =
    (await scrapeMetric(gatewayUrl, officer, 'gerbang_audit_commits_total')) - commitsBefore;
  const records =
    (await scrapeMetric(gatewayUrl, officer, 'gerbang_audit_records_written_total')) -
    recordsBefore;

  console.log(
    `\nGerbang bench — ${DURATION}s per target, ${CONNECTIONS} connections, node ${process.version}\n`,
  );
  console.log(
    'target                                      req/s     p50    p99  p99.9  non2xx  errors   cpu%  rss MiB',
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(42)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.latencyMs.p50).padStart(6)} ${String(r.latencyMs.p99).padStart(6)} ${String(r.latencyMs.p999).padStart(6)} ${String(r.non2xx).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.gatewayCpuPercent ?? '-').padStart(6)} ${String(r.gatewayMaxRssMb ?? '-').padStart(8)}`,
    );
  }
  const ratio = (a: Measured | undefined, b: Measured | undefined): number =>
    a && b ? Math.round((a.requestsPerSecond / b.requestsPerSecond) * 100) / 100 : 0;
  const [direct, memory, durable] = results;
  const ratios = {
    lookup_vs_simulator_direct: ratio(durable, direct),
    durable_audit_vs_memory_audit: ratio(durable, memory),
  };
  const batch = commits > 0 ? Math.round((records / commits) * 10) / 10 : 0;
  console.log(
    `\nratios: lookup/simulator ${ratios.lookup_vs_simulator_direct}, durable/memory audit ${ratios.durable_audit_vs_memory_audit}`,
  );
  console.log(
    `durable audit: ${records} records in ${commits} fsync'd transactions (group commit: ${batch} records per fsync)`,
  );
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results/latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, durationSeconds: DURATION, connections: CONNECTIONS, results, ratios, audit: { records, commits, recordsPerCommit: batch }, rss_mb_max: usage.maxRssMb }, null, 2)}\n`,
  );
  const failed = results.some((r) => r.errors > 0 || r.non2xx > 0);
  if (failed) {
    console.error('bench: some requests failed (see non2xx/errors)');
    process.exitCode = 1;
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
