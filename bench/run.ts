/**
 * `npm run bench`: is the gateway ever the bottleneck? Everything runs in its production form as
 * child processes — the simulator (`gerbang sim`), the gateway (`gerbang serve` compiled by
 * `npm run build`, with production's heap cap: mutual TLS, full policy, durable audit) — and
 * autocannon loads them from this process. In one run, interleaved
 * round by round so that drift hits every target alike:
 *   (a) the simulator directly; (b) a bare Hono + undici proxy on the same TLS terms
 *   (bench/bare-proxy.ts); (c) nginx with one worker, when installed (skipped otherwise — the bench
 *   installs nothing); (d) Gerbang lookups; (e) Gerbang verifications.
 * Then: latency at a fixed 2,000 req/s (bare proxy vs Gerbang); the gateway's RSS across a soak;
 * and, with a 50 ms upstream and a 1,000 req/s Dukcapil quota, how busy Gerbang keeps the
 * upstream and whether any second ever exceeded the quota.
 * Prints a table and writes bench/results/latest.json (smoke: bench/results/smoke.json).
 *
 * Settings: BENCH_DURATION (s per target and round, default 10), BENCH_ROUNDS (2),
 * BENCH_SOAK_SECONDS (300), BENCH_CONNECTIONS (50), BENCH_GATEWAY_NODE_ARGS (the production V8
 * flags, --max-old-space-size=192), BENCH_PROFILE=1 (gateway under --cpu-prof,
 * profiles in bench/results/profiles), BENCH_SMOKE=1 (seconds-long, for CI: no thresholds).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/child-gateway.ts';
import { locateInstance } from '../gateway/config/instance.ts';
import { ensureDemoInstance } from '../gateway/cli/demo/instance.ts';
import { readSecretText } from '../gateway/config/secrets.ts';

const ROOT = resolve(import.meta.dirname, '..');
const env = process.env;
const SMOKE = env['BENCH_SMOKE'] === '1';
const DURATION = Number(env['BENCH_DURATION'] ?? (SMOKE ? 1 : 10));
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? (SMOKE ? 1 : 2));
const SOAK_SECONDS = Number(env['BENCH_SOAK_SECONDS'] ?? (SMOKE ? 0 : 300));
const CONNECTIONS = Number(env['BENCH_CONNECTIONS'] ?? 50);
const PROFILE = env['BENCH_PROFILE'] === '1';
const FIXED_RATE = 2000;
/** What production runs the gateway with (NODE_OPTIONS in the deployment units). */
const GATEWAY_NODE_ARGS = '--max-old-space-size=192';
const UPSTREAM_LATENCY_MS = 50;
const UPSTREAM_QUOTA_PER_SECOND = 1000;
const CANARY = '6474015709900001';
const TARGETS = {
  lookupVsBareProxy: 0.6,
  lookupVsNginx: 0.35,
  addedP99MsAt2000: 2,
  rssMbMax: 200,
  quotaUtilisation: 0.95,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(args: string[], extraEnv: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`${args.join(' ')} exited with ${code}`);
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} did not start`);
}

/** Samples a process's RSS (MiB) and CPU time from /proc while a load runs. */
function sampleProcess(pid: number, everyMs = 250) {
  const series: number[] = [];
  const cpuSeconds = (): number => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks
  };
  const rss = () =>
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const startCpu = cpuSeconds();
  const started = performance.now();
  const timer = setInterval(() => series.push(rss()), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      series.push(rss());
      const seconds = (performance.now() - started) / 1000;
      return {
        cpuPercent: Math.round(((cpuSeconds() - startCpu) / seconds) * 100),
        maxRssMb: Math.round(Math.max(...series)),
        series,
      };
    },
  };
}

interface Sample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  non2xx: number;
  errors: number;
  cpuPercent?: number;
  maxRssMb?: number;
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections: CONNECTIONS, ...options });
}

function summarise(result: autocannon.Result): Sample {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * An open-loop load at exactly FIXED_RATE requests per second (autocannon's overallRate sends
 * each second's requests in a burst, which measures the burst, not the service): a request is
 * started every 1/rate s whatever the earlier ones are doing, and its latency counts from its
 * planned start, so that queueing anywhere shows.
 */
async function openLoop(options: autocannon.Options, seconds: number) {
  const { Agent, request } = await import('undici');
  const tls = (options.tlsOptions ?? {}) as { ca?: string; cert?: string; key?: string };
  const agent = new Agent({ connections: 64, connect: tls });
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round(FIXED_RATE * seconds);
  for (let i = 0; i < total; i++) {
    const planned = started + (i * 1000) / FIXED_RATE;
    const wait = planned - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      request(options.url, {
        dispatcher: agent,
        method: options.method ?? 'GET',
        headers: options.headers as Record<string, string>,
        body: options.body as string,
      }).then(
        async (response) => {
          await response.body.dump();
          if (response.statusCode !== 200) failed++;
          latencies.push(performance.now() - planned);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(pending);
  await agent.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 100) / 100;
  return {
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    failed,
    achieved: Math.round(latencies.length / seconds),
  };
}

const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/** Waits until an mTLS endpoint answers 200. */
function answers(url: string, tlsOptions: object): () => Promise<boolean> {
  return () =>
    new Promise<boolean>((done) => {
      void autocannon({ url, amount: 1, connections: 1, tlsOptions }, (_error, result) => {
        done(result.errors === 0 && result['2xx'] === 1);
      });
    });
}

async function simState(simUrl: string) {
  const response = await fetch(`${simUrl}/__sim/state`);
  return (await response.json()) as {
    counters: { calls: Record<string, number>; busiestSecond: number; overRateQuota: number };
  };
}

async function simConfig(simUrl: string, settings: Record<string, number>): Promise<void> {
  await fetch(`${simUrl}/__sim/config`, { method: 'POST', body: JSON.stringify(settings) });
}

/** nginx as a reverse proxy with one worker, on the same TLS terms; undefined if not installed. */
function startNginx(dir: string, port: number, simPort: number, consumer: string) {
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const binary = which.stdout.trim();
  if (which.status !== 0 || binary === '') return undefined;
  const base = join(dir, 'nginx');
  mkdirSync(base, { recursive: true });
  const pki = join(dir, 'pki');
  writeFileSync(
    join(base, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${base}/nginx.pid;
error_log ${base}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${base}/body;
  proxy_temp_path ${base}/proxy;
  upstream simulator { server 127.0.0.1:${simPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${pki}/server.crt;
    ssl_certificate_key ${pki}/server.key;
    ssl_client_certificate ${pki}/ca.crt;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /v1/nik/lookup {
      proxy_pass http://simulator/dukcapil/get_json/${consumer}/CALL_NIK;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location = /healthz { return 200 "ok"; }
  }
}
`,
  );
  const child = spawn(
    binary,
    ['-p', base, '-c', join(base, 'nginx.conf'), '-e', join(base, 'error.log')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return child;
}

const dir = mkdtempSync(join(tmpdir(), 'gerbang-bench-'));
const children: ChildProcess[] = [];
try {
  const [gatewayPort, barePort, simPort, nginxPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const location = locateInstance({ GERBANG_DATA_DIR: dir });
  await ensureDemoInstance(location, { gateway: gatewayPort, simulator: simPort });
  const config = JSON.parse(readFileSync(location.configPath, 'utf8')) as {
    upstream: Record<string, unknown> & {
      consumer: string;
      userId: string;
      ipUser: string;
      passwordFile: string;
    };
  };
  const instanceEnv = { GERBANG_DATA_DIR: dir };
  const profileDir = join(ROOT, 'bench/results/profiles');
  // The V8 flags the deployment gives the gateway (docs/performance.md), plus the profiler on
  // request. The live heap is about 25 MiB; without a cap V8 lets garbage grow the heap to 400 MiB.
  const gatewayNodeArgs = [
    ...(env['BENCH_GATEWAY_NODE_ARGS'] ?? GATEWAY_NODE_ARGS).split(' ').filter(Boolean),
    ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
  ];
  // Production runs compiled JavaScript (`npm run build`), not the sources through tsx.
  const built = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (built.status !== 0) throw new Error('npm run build failed');
  const startGateway = () =>
    start(['dist/gateway/cli/main.js', 'serve'], instanceEnv, gatewayNodeArgs);

  const simulator = start(['bin/gerbang.js', 'sim'], instanceEnv);
  children.push(simulator);
  let gateway = startGateway();
  children.push(gateway);
  children.push(
    start(['bin/run-ts.js', 'bench/bare-proxy.ts'], {
      ...instanceEnv,
      BENCH_PORT: String(barePort),
    }),
  );
  const nginx = startNginx(dir, nginxPort, simPort, config.upstream.consumer);
  if (nginx) children.push(nginx);

  const pki = (file: string): string => readFileSync(join(location.pkiDir, file), 'utf8');
  const credentials = (id: string) => ({
    ca: pki('ca.crt'),
    cert: pki(`clients/${id}.crt`),
    key: pki(`clients/${id}.key`),
  });
  const tlsOptions = credentials('app-pendaftaran');
  const simUrl = `http://127.0.0.1:${simPort}`;
  const gatewayUrl = `https://127.0.0.1:${gatewayPort}`;
  const bareUrl = `https://127.0.0.1:${barePort}`;
  const nginxUrl = `https://127.0.0.1:${nginxPort}`;
  await waitUntil(async () => (await fetch(`${simUrl}/__sim/state`)).ok, 'simulator');
  await waitUntil(answers(`${gatewayUrl}/healthz`, tlsOptions), 'gateway');
  await waitUntil(answers(`${bareUrl}/healthz`, tlsOptions), 'bare proxy');
  if (nginx) await waitUntil(answers(`${nginxUrl}/healthz`, tlsOptions), 'nginx');

  const upstreamBody = JSON.stringify({
    NIK: CANARY,
    user_id: config.upstream.userId,
    password: readSecretText(join(dir, config.upstream.passwordFile)),
    ip_user: config.upstream.ipUser,
  });
  const json = { 'content-type': 'application/json', 'x-operator-id': 'bench' };
  const lookupBody = JSON.stringify({
    nik: CANARY,
    purpose: 'pendaftaran-wp',
    reference: 'BENCH-1',
  });
  const verifyBody = JSON.stringify({
    nik: CANARY,
    purpose: 'pendaftaran-wp',
    reference: 'BENCH-1',
    claims: { nama_lengkap: 'Siti Kenari Rahayu', tanggal_lahir: '17-09-1990' },
  });
  const targets: { name: string; options: autocannon.Options; gateway?: true }[] = [
    {
      name: 'simulator direct (CALL_NIK)',
      options: {
        url: `${simUrl}/dukcapil/get_json/${config.upstream.consumer}/CALL_NIK`,
        method: 'POST',
        headers: json,
        body: upstreamBody,
      },
    },
    {
      name: 'bare proxy (Hono + undici, mTLS)',
      options: {
        url: `${bareUrl}/v1/nik/lookup`,
        method: 'POST',
        headers: json,
        body: lookupBody,
        tlsOptions,
      },
    },
    ...(nginx
      ? [
          {
            name: 'nginx, one worker (mTLS)',
            options: {
              url: `${nginxUrl}/v1/nik/lookup`,
              method: 'POST' as const,
              headers: json,
              body: upstreamBody,
              tlsOptions,
            },
          },
        ]
      : []),
    {
      name: 'Gerbang lookup',
      options: {
        url: `${gatewayUrl}/v1/nik/lookup`,
        method: 'POST',
        headers: json,
        body: lookupBody,
        tlsOptions,
      },
      gateway: true,
    },
    {
      name: 'Gerbang verify',
      options: {
        url: `${gatewayUrl}/v1/nik/verify`,
        method: 'POST',
        headers: json,
        body: verifyBody,
        tlsOptions,
      },
      gateway: true,
    },
  ];

  const targetNamed = (name: string) => {
    const found = targets.find((t) => t.name.startsWith(name));
    if (found === undefined) throw new Error(`no target ${name}`);
    return found;
  };
  const bareTarget = targetNamed('bare proxy');
  const lookupTarget = targetNamed('Gerbang lookup');

  // (a)–(e), interleaved round by round.
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) {
      await load({ ...target.options, duration: 1 }); // warm-up
      const sampler = target.gateway ? sampleProcess(gateway.pid ?? 0) : undefined;
      const sample = summarise(await load({ ...target.options, duration: DURATION }));
      const usage = sampler?.stop();
      samples.get(target.name)?.push({
        ...sample,
        ...(usage ? { cpuPercent: usage.cpuPercent, maxRssMb: usage.maxRssMb } : {}),
      });
      console.error(`round ${round}: ${target.name}: ${sample.requestsPerSecond} req/s`);
    }
  }
  const results = targets.map(({ name }) => {
    const list = samples.get(name) ?? [];
    const cpu = list.flatMap((s) => (s.cpuPercent === undefined ? [] : [s.cpuPercent]));
    const rss = list.flatMap((s) => (s.maxRssMb === undefined ? [] : [s.maxRssMb]));
    return {
      name,
      requestsPerSecond: Math.round(mean(list.map((s) => s.requestsPerSecond))),
      latencyMs: {
        p50: Math.round(mean(list.map((s) => s.p50)) * 10) / 10,
        p99: Math.round(mean(list.map((s) => s.p99)) * 10) / 10,
        p999: Math.round(mean(list.map((s) => s.p999)) * 10) / 10,
      },
      non2xx: list.reduce((a, s) => a + s.non2xx, 0),
      errors: list.reduce((a, s) => a + s.errors, 0),
      ...(cpu.length > 0 ? { gatewayCpuPercent: Math.round(mean(cpu)) } : {}),
      ...(rss.length > 0 ? { gatewayMaxRssMb: Math.max(...rss) } : {}),
    };
  });
  const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix));

  // Latency at a fixed 2,000 req/s: what the gateway adds to a bare proxy.
  const fixed = async ({ options }: (typeof targets)[number]) => {
    await openLoop(options, 1);
    return openLoop(options, DURATION);
  };
  const bareFixed = await fixed(bareTarget);
  const gatewayFixed = await fixed(lookupTarget);

  // RSS across a soak at a steady 1,000 lookups/s.
  let soak:
    { seconds: number; firstMinuteMb: number; lastMinuteMb: number; maxMb: number } | undefined;
  if (SOAK_SECONDS > 0) {
    const sampler = sampleProcess(gateway.pid ?? 0, 5000);
    await load({ ...lookupTarget.options, duration: SOAK_SECONDS, overallRate: 1000 });
    const { series, maxRssMb } = sampler.stop();
    const minute = Math.min(12, Math.floor(series.length / 2));
    soak = {
      seconds: SOAK_SECONDS,
      firstMinuteMb: Math.round(mean(series.slice(0, minute))),
      lastMinuteMb: Math.round(mean(series.slice(-minute))),
      maxMb: maxRssMb,
    };
  }
  const rssMax = Math.max(
    ...results.flatMap((r) => (r.gatewayMaxRssMb === undefined ? [] : [r.gatewayMaxRssMb])),
    soak?.maxMb ?? 0,
  );

  // A 50 ms upstream with a 1,000 req/s quota: restart the gateway with the quota configured.
  await stop(gateway);
  const configured = JSON.parse(readFileSync(location.configPath, 'utf8')) as {
    upstream: Record<string, unknown>;
  };
  configured.upstream['ratePerSecond'] = UPSTREAM_QUOTA_PER_SECOND;
  // Capacity planning (docs/performance.md): connections ≥ rate × latency, with room for jitter.
  configured.upstream['maxConnections'] = 128;
  writeFileSync(location.configPath, JSON.stringify(configured, null, 2));
  gateway = startGateway();
  children.push(gateway);
  await waitUntil(answers(`${gatewayUrl}/healthz`, tlsOptions), 'gateway with the upstream quota');
  // Fresh counters: the busiest second must be this phase's, not the unthrottled targets'.
  await fetch(`${simUrl}/__sim/reset`, { method: 'POST' });
  await simConfig(simUrl, {
    latencyMs: UPSTREAM_LATENCY_MS,
    rateQuotaPerSecond: UPSTREAM_QUOTA_PER_SECOND,
  });
  const quotaLoad = { ...lookupTarget.options, connections: 150 };
  await load({ ...quotaLoad, duration: 2 });
  const callsBefore = (await simState(simUrl)).counters.calls['CALL_NIK'] ?? 0;
  const quotaStarted = performance.now();
  const quotaResult = summarise(await load({ ...quotaLoad, duration: DURATION }));
  const quotaSeconds = (performance.now() - quotaStarted) / 1000;
  const after = await simState(simUrl);
  const upstreamRate = ((after.counters.calls['CALL_NIK'] ?? 0) - callsBefore) / quotaSeconds;
  const quota = {
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    quotaPerSecond: UPSTREAM_QUOTA_PER_SECOND,
    upstreamCallsPerSecond: Math.round(upstreamRate),
    busiestSecond: after.counters.busiestSecond,
    secondsOverQuota: after.counters.overRateQuota,
    clientRequestsPerSecond: quotaResult.requestsPerSecond,
    clientP99Ms: quotaResult.p99,
  };
  const quotaUtilisation = Math.round((upstreamRate / UPSTREAM_QUOTA_PER_SECOND) * 1000) / 1000;

  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : null;
  const lookup = byName('Gerbang lookup');
  const ratios = {
    lookup_vs_bare_proxy: ratio(lookup?.requestsPerSecond, byName('bare proxy')?.requestsPerSecond),
    lookup_vs_nginx: ratio(lookup?.requestsPerSecond, byName('nginx')?.requestsPerSecond),
    verify_vs_bare_proxy: ratio(
      byName('Gerbang verify')?.requestsPerSecond,
      byName('bare proxy')?.requestsPerSecond,
    ),
    bare_proxy_vs_simulator: ratio(
      byName('bare proxy')?.requestsPerSecond,
      byName('simulator')?.requestsPerSecond,
    ),
  };
  const addedP99 = Math.round((gatewayFixed.p99 - bareFixed.p99) * 10) / 10;
  const verdicts = {
    lookup_vs_bare_proxy:
      ratios.lookup_vs_bare_proxy === null
        ? null
        : ratios.lookup_vs_bare_proxy >= TARGETS.lookupVsBareProxy,
    lookup_vs_nginx:
      ratios.lookup_vs_nginx === null ? null : ratios.lookup_vs_nginx >= TARGETS.lookupVsNginx,
    added_p99_ms_at_2000rps: addedP99 <= TARGETS.addedP99MsAt2000,
    rss_mb_max: rssMax <= TARGETS.rssMbMax,
    rss_flat: soak === undefined ? null : soak.lastMinuteMb <= soak.firstMinuteMb * 1.1,
    quota_utilisation: quotaUtilisation >= TARGETS.quotaUtilisation,
    quota_never_exceeded: quota.secondsOverQuota === 0,
  };

  console.log(
    `\nGerbang bench — ${ROUNDS} round(s) × ${DURATION}s per target, ${CONNECTIONS} connections, node ${process.version}\n`,
  );
  console.log(
    'target                               req/s     p50     p99   p99.9  non2xx  errors   cpu%  rss MiB',
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(34)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.latencyMs.p50).padStart(7)} ${String(r.latencyMs.p99).padStart(7)} ${String(r.latencyMs.p999).padStart(7)} ${String(r.non2xx).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.gatewayCpuPercent ?? '-').padStart(6)} ${String(r.gatewayMaxRssMb ?? '-').padStart(8)}`,
    );
  }
  if (!nginx) console.log('nginx: not installed, skipped (the bench installs nothing)');
  console.log(
    `\nopen loop at ${FIXED_RATE} req/s: bare proxy p50/p99 ${bareFixed.p50}/${bareFixed.p99} ms (${bareFixed.achieved} req/s, ${bareFixed.failed} failed), Gerbang ${gatewayFixed.p50}/${gatewayFixed.p99} ms (${gatewayFixed.achieved} req/s, ${gatewayFixed.failed} failed) → added p99 ${addedP99} ms`,
  );
  if (soak)
    console.log(
      `soak ${soak.seconds}s at 1000 req/s: RSS first minute ${soak.firstMinuteMb} MiB, last minute ${soak.lastMinuteMb} MiB, max ${soak.maxMb} MiB`,
    );
  console.log(
    `50 ms upstream, quota ${UPSTREAM_QUOTA_PER_SECOND}/s: upstream ${quota.upstreamCallsPerSecond}/s (${Math.round(quotaUtilisation * 100)} % busy), busiest second ${quota.busiestSecond}, calls over quota ${quota.secondsOverQuota}`,
  );
  console.log(`ratios: ${JSON.stringify(ratios)}`);
  console.log(`targets: ${JSON.stringify(verdicts)}`);

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results', SMOKE ? 'smoke.json' : 'latest.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        smoke: SMOKE,
        rounds: ROUNDS,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        results,
        ratios,
        latency: {
          at_rps: FIXED_RATE,
          bare_proxy_p99_ms: bareFixed.p99,
          gateway_p99_ms: gatewayFixed.p99,
          added_p99_ms_at_2000rps: addedP99,
        },
        rss_mb_max: rssMax,
        soak: soak ?? null,
        quota_utilisation: quotaUtilisation,
        quota,
        targets: TARGETS,
        verdicts,
      },
      null,
      2,
    )}\n`,
  );
  const failed = results.some((r) => r.errors > 0 || r.non2xx > 0);
  if (failed) {
    console.error('bench: some requests failed (see non2xx/errors)');
    process.exitCode = 1;
  }
} finally {
  await Promise.all(children.map((child) => stop(child)));
  rmSync(dir, { recursive: true, force: true });
}
