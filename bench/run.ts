/**
 * `npm run bench`: is the gateway ever the bottleneck? Everything runs in its production form as
 * child processes — the simulator (`gerbang sim`), the gateway (`gerbang serve` compiled by
 * `npm run build`, with production's heap cap: mutual TLS, full policy, durable audit) — and
 * autocannon loads them from this process. The target under test runs on CPU 0, this process (the
 * load generator) and the simulator on CPU 1 (bench/pin.ts; unpinned, and said so, without
 * taskset or a second core). Phases (BENCH_ONLY picks some):
 *   throughput — interleaved round by round so that drift hits every target alike: (a) the
 *     simulator directly (moved onto CPU 0 for its turn); (b) a bare Hono + undici proxy on the
 *     same TLS terms (bench/bare-proxy.ts); (c) nginx with one worker, when installed; (d) Gerbang
 *     lookups; (e) Gerbang verifications. Each: req/s and the target's CPU µs per request;
 *   openloop — latency at BENCH_OPEN_LOOP_FRACTION of the bare proxy's measured capacity, bare
 *     proxy vs Gerbang (and nginx beside them) in BENCH_OPEN_LOOP_ROUNDS rounds: the added
 *     p50/p99 from each target's medians over its quiet windows, with each process's own stalls;
 *   soak — the gateway's RSS across BENCH_SOAK_SECONDS at 1,000 lookups/s;
 *   quota — a 50 ms upstream with a 1,000 req/s quota (bench/quota-phase.ts): the gateway and
 *     the load generator on CPU 0, the simulator alone on CPU 1.
 * Prints a table and writes bench/results/latest.json (smoke: bench/results/smoke.json).
 * Settings: docs/performance.md.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/child-gateway.ts';
import { locateInstance } from '../gateway/config/instance.ts';
import { ensureDemoInstance } from '../gateway/cli/demo/instance.ts';
import { readSecretText } from '../gateway/config/secrets.ts';
import { sampleProcesses, withChildren } from './cpu.ts';
import { nginxBinary, startNginx } from './nginx.ts';
import { openLoop, openLoopAgent } from './open-loop.ts';
import { allowedCpus, describePinning, detectPinning, LOAD_CPU, pin, TARGET_CPU } from './pin.ts';
import { answers, ROOT, startNode, stop, waitUntil } from './processes.ts';
import { LATENESS_NODE_ARGS, latenessEnv, readMaxLatenessMs } from './lateness-files.ts';
import { quotaPhase, UPSTREAM_QUOTA_PER_SECOND, type QuotaResult } from './quota-phase.ts';
import * as report from './report.ts';
import { buildTargets, type Target } from './targets.ts';
import { recordAnswer, removeReplayConfig, startReplay } from './upstream-replay.ts';
import { idleCpuPercent, measure, throughput, warmUp, type TargetResult } from './throughput.ts';

const env = process.env;
const SMOKE = env['BENCH_SMOKE'] === '1';
const DURATION = Number(env['BENCH_DURATION'] ?? (SMOKE ? 1 : 10));
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? (SMOKE ? 1 : 2));
const SOAK_SECONDS = Number(env['BENCH_SOAK_SECONDS'] ?? (SMOKE ? 0 : 300));
const CONNECTIONS = Number(env['BENCH_CONNECTIONS'] ?? 50);
const WARM_UP_REQUESTS = Number(env['BENCH_WARM_UP_REQUESTS'] ?? (SMOKE ? 500 : 3000));
const OPEN_LOOP_FRACTION = Number(env['BENCH_OPEN_LOOP_FRACTION'] ?? 0.5);
// Many short windows rather than a few long ones: this machine stalls (the generator, a target's
// collector, the host) every few seconds, and only a target's quiet windows count (report.ts).
const OPEN_LOOP_ROUNDS = Number(env['BENCH_OPEN_LOOP_ROUNDS'] ?? (SMOKE ? 1 : 9));
const OPEN_LOOP_SECONDS = Number(env['BENCH_OPEN_LOOP_SECONDS'] ?? (SMOKE ? 1 : 4));
// Each target at the rate, unmeasured, before the first round: measured 2026-12-07, a gateway fresh
// from its start ran its first four rounds at 93–95 % of its core and its later ones at 85–89 %
// (the bare proxy 70–76 % and 58–65 %), its heap and code still growing into their steady state.
const OPEN_LOOP_WARM_SECONDS = Number(env['BENCH_OPEN_LOOP_WARM_SECONDS'] ?? (SMOKE ? 0 : 15));
/** What answers the targets' upstream calls in the open loop (bench/upstream-replay.ts). */
const OPEN_LOOP_UPSTREAM =
  env['BENCH_OPEN_LOOP_UPSTREAM'] ?? (nginxBinary() ? 'replay' : 'simulator');
if (OPEN_LOOP_UPSTREAM !== 'replay' && OPEN_LOOP_UPSTREAM !== 'simulator')
  throw new Error(`BENCH_OPEN_LOOP_UPSTREAM: replay or simulator, not ${OPEN_LOOP_UPSTREAM}`);
const PROFILE = env['BENCH_PROFILE'] === '1';
const ALLOC_PROFILE = env['BENCH_ALLOC_PROFILE'] === '1';
const PHASES = ['throughput', 'openloop', 'soak', 'quota'] as const;
const ONLY = (env['BENCH_ONLY'] ?? PHASES.join(',')).split(',').map((p) => p.trim());
for (const phase of ONLY)
  if (!(PHASES as readonly string[]).includes(phase))
    throw new Error(`BENCH_ONLY: unknown phase ${phase} (phases: ${PHASES.join(', ')})`);
const runs = (phase: (typeof PHASES)[number]) => ONLY.includes(phase);
/** What production runs the gateway with (NODE_OPTIONS in the deployment units). */
const GATEWAY_NODE_ARGS = '--max-old-space-size=192';
const CANARY = '6474015709900001';
/** V8 flags for one of the bench's own Node processes, from the environment, to try others. */
const nodeArgsFrom = (name: string): string[] => (env[name] ?? '').split(' ').filter(Boolean);

const pinning = detectPinning();
pin(pinning, process.pid, LOAD_CPU);
console.error(describePinning(pinning));

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
    upstream: Record<string, unknown> & { consumer: string; userId: string; ipUser: string };
  };
  const instanceEnv = { GERBANG_DATA_DIR: dir };
  // The V8 flags the deployment gives the gateway (docs/performance.md), plus the profiler on
  // request. The live heap is about 25 MiB; without a cap V8 lets garbage grow the heap to 400 MiB.
  const gatewayNodeArgs = [
    ...(env['BENCH_GATEWAY_NODE_ARGS'] ?? GATEWAY_NODE_ARGS).split(' ').filter(Boolean),
    ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench/results/profiles')] : []),
    ...(ALLOC_PROFILE ? ['--import', join(ROOT, 'bench/alloc-profile.js')] : []),
    ...LATENESS_NODE_ARGS,
  ];
  // Production runs compiled JavaScript (`npm run build`), not the sources through tsx.
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('npm run build failed');
  const allocProfileFile = () => {
    mkdirSync(join(ROOT, 'bench/results/profiles'), { recursive: true });
    return join(ROOT, `bench/results/profiles/ALLOC.${Date.now()}.heapprofile`);
  };
  const startGateway = () => {
    const child = startNode(
      pinning,
      TARGET_CPU,
      ['dist/gateway/cli/main.js', 'serve'],
      {
        ...instanceEnv,
        ...latenessEnv(dir, 'gateway'),
        ...(ALLOC_PROFILE ? { BENCH_ALLOC_PROFILE_FILE: allocProfileFile() } : {}),
      },
      gatewayNodeArgs,
    );
    children.push(child);
    return child;
  };

  const startSimulator = () => {
    const child = startNode(
      pinning,
      LOAD_CPU,
      ['bin/gerbang.js', 'sim'],
      { ...instanceEnv, ...latenessEnv(dir, 'simulator') },
      [...nodeArgsFrom('BENCH_SIM_NODE_ARGS'), ...LATENESS_NODE_ARGS],
    );
    children.push(child);
    return child;
  };
  let simulator = startSimulator();
  let gateway = startGateway();
  const bare = startNode(
    pinning,
    TARGET_CPU,
    ['bin/run-ts.js', 'bench/bare-proxy.ts'],
    { ...instanceEnv, ...latenessEnv(dir, 'bare'), BENCH_PORT: String(barePort) },
    [...nodeArgsFrom('BENCH_BARE_NODE_ARGS'), ...LATENESS_NODE_ARGS],
  );
  children.push(bare);
  const nginx = startNginx(pinning, TARGET_CPU, dir, nginxPort, simPort, config.upstream.consumer);
  if (nginx) children.push(nginx);

  const pki = (file: string): string => readFileSync(join(location.pkiDir, file), 'utf8');
  const tlsOptions = {
    ca: pki('ca.crt'),
    cert: pki('clients/app-pendaftaran.crt'),
    key: pki('clients/app-pendaftaran.key'),
  };
  const simUrl = `http://127.0.0.1:${simPort}`;
  const gatewayUrl = `https://127.0.0.1:${gatewayPort}`;
  const bareUrl = `https://127.0.0.1:${barePort}`;
  const nginxUrl = `https://127.0.0.1:${nginxPort}`;
  await waitUntil(async () => (await fetch(`${simUrl}/__sim/state`)).ok, 'simulator');
  await waitUntil(answers(`${gatewayUrl}/healthz`, tlsOptions), 'gateway');
  await waitUntil(answers(`${bareUrl}/healthz`, tlsOptions), 'bare proxy');
  if (nginx) await waitUntil(answers(`${nginxUrl}/healthz`, tlsOptions), 'nginx');
  const pidsOf = (child: ChildProcess | undefined) => () =>
    child?.pid === undefined ? [] : [child.pid];
  const nginxPids = nginx?.pid === undefined ? [] : withChildren(nginx.pid);
  const affinity = {
    bench: allowedCpus(process.pid),
    simulator: allowedCpus(simulator.pid ?? 0),
    gateway: allowedCpus(gateway.pid ?? 0),
    bare_proxy: allowedCpus(bare.pid ?? 0),
    ...(nginx ? { nginx: nginxPids.map(allowedCpus).join(' ') } : {}),
  };
  console.error(`CPU affinity: ${JSON.stringify(affinity)}`);

  const passwordFile = join(dir, String(config.upstream['passwordFile']));
  const upstreamBody = JSON.stringify({
    NIK: CANARY,
    user_id: config.upstream.userId,
    password: readSecretText(passwordFile),
    ip_user: config.upstream.ipUser,
  });
  const targets = buildTargets({
    simUrl,
    bareUrl,
    gatewayUrl,
    nginxUrl: nginx ? nginxUrl : undefined,
    consumer: config.upstream.consumer,
    tlsOptions,
    nik: CANARY,
    upstreamBody,
    pids: {
      simulator: () => pidsOf(simulator)(),
      bare: pidsOf(bare),
      nginx: () => nginxPids,
      gateway: () => pidsOf(gateway)(),
    },
    simulatorOnTargetCore: (on) => {
      pin(pinning, simulator.pid, on ? TARGET_CPU : LOAD_CPU);
    },
  });
  const target = (key: Target['key']) => {
    const found = targets.find((t) => t.key === key);
    if (found === undefined) throw new Error(`no target ${key}`);
    return found;
  };
  const hasTarget = (key: Target['key']) => targets.some((t) => t.key === key);

  const idle = await idleCpuPercent(targets, SMOKE ? 1 : 3);
  console.error(`idle CPU % before any load: ${JSON.stringify(idle)}`);
  const results: TargetResult[] = runs('throughput')
    ? await throughput(targets, ROUNDS, DURATION, CONNECTIONS, WARM_UP_REQUESTS)
    : [];

  // Latency at a load the machine can carry: a fraction of the bare proxy's capacity, this run's.
  let latency: report.Latency | undefined;
  if (runs('openloop')) {
    // The bare proxy's capacity is the best of its windows: a stall of the machine only lowers a
    // window's figure (2026-12-07: one ten-second window measured 1,310 req/s where the others of
    // the day measured 2,500–2,900), and a rate set from a stalled window is an easy load, not
    // the fraction of what the proxy can do.
    const bareCapacity = async () => {
      await warmUp([target('bare')], WARM_UP_REQUESTS, CONNECTIONS);
      let best = 0;
      for (let window = 0; window < (SMOKE ? 1 : 3); window++)
        best = Math.max(
          best,
          (await measure(target('bare'), DURATION, CONNECTIONS)).requestsPerSecond,
        );
      return best;
    };
    const measured = results.find((r) => r.key === 'bare');
    const capacity = measured
      ? Math.max(...measured.rounds.map((round) => round.requestsPerSecond))
      : await bareCapacity();
    const rate = Math.max(1, Math.round(capacity * OPEN_LOOP_FRACTION));
    // The simulator's stalls are in every target's tail alike; where nginx is installed it gives
    // way, on the same port, to nginx replaying one of its answers, and comes back after.
    let replay: ChildProcess | undefined;
    if (OPEN_LOOP_UPSTREAM === 'replay') {
      const answer = await recordAnswer(target('simulator').options.url, upstreamBody);
      await stop(simulator);
      replay = startReplay(pinning, LOAD_CPU, dir, simPort, answer);
      if (replay === undefined) throw new Error('BENCH_OPEN_LOOP_UPSTREAM=replay needs nginx');
      children.push(replay);
      await waitUntil(async () => (await fetch(`${simUrl}/__sim/state`)).ok, 'replaying nginx');
      removeReplayConfig(dir);
    }
    const fixed = async (t: Target) => {
      const agent = await openLoopAgent(t.options);
      await openLoop(t.options, rate, 1, agent);
      // Forget the return data the simulator took in earlier windows: kept, it grows the simulator's
      // live heap round after round, and with it the collections that stall it.
      await fetch(`${simUrl}/__sim/reset`, { method: 'POST' });
      const from = Date.now();
      const sampler = sampleProcesses(t.pids);
      const result = await openLoop(t.options, rate, OPEN_LOOP_SECONDS, agent);
      const { cpuPercent, coresBusyPercent } = sampler.stop();
      await agent.close();
      // Each process's own stalls in the window: the simulator answers both targets, so its are
      // in both tails; the target's are its own.
      const to = Date.now();
      const loopLateMaxMs = {
        simulator: readMaxLatenessMs(dir, 'simulator', from, to),
        target:
          t.key === 'bare' || t.key === 'lookup'
            ? readMaxLatenessMs(dir, t.key === 'bare' ? 'bare' : 'gateway', from, to)
            : null,
      };
      return { ...result, targetCpuPercent: cpuPercent, coresBusyPercent, loopLateMaxMs };
    };
    // Rounds, each target in turn, the first alternating: a stall of the machine falls on one
    // target's window, and the median over rounds is what is judged (report.summariseLatency).
    const rounds: report.LatencyRound[] = [];
    const added = (a: number, b: number) => Math.round((a - b) * 100) / 100;
    // nginx, where installed, runs beside them: a floor with no collector of its own.
    const keys: Target['key'][] = [
      'bare',
      'lookup',
      ...(hasTarget('nginx') ? ['nginx' as const] : []),
    ];
    for (const key of OPEN_LOOP_WARM_SECONDS > 0 ? keys : []) {
      const agent = await openLoopAgent(target(key).options);
      await openLoop(target(key).options, rate, OPEN_LOOP_WARM_SECONDS, agent);
      await agent.close();
    }
    for (let round = 0; round < OPEN_LOOP_ROUNDS; round++) {
      const order = [...keys.slice(round % keys.length), ...keys.slice(0, round % keys.length)];
      const loops = new Map<Target['key'], report.OpenLoopTarget>();
      for (const key of order) loops.set(key, await fixed(target(key)));
      const bareLoop = loops.get('bare');
      const gatewayLoop = loops.get('lookup');
      const nginxLoop = loops.get('nginx');
      if (bareLoop === undefined || gatewayLoop === undefined)
        throw new Error('a round lost a target');
      rounds.push({
        bare_proxy: bareLoop,
        gateway: gatewayLoop,
        added_p50_ms: added(gatewayLoop.p50, bareLoop.p50),
        added_p99_ms: added(gatewayLoop.p99, bareLoop.p99),
        ...(nginxLoop ? { nginx: nginxLoop } : {}),
      });
    }
    latency = {
      ...report.summariseLatency(OPEN_LOOP_FRACTION, rate, rounds, OPEN_LOOP_UPSTREAM),
      window_seconds: OPEN_LOOP_SECONDS,
      bare_proxy_capacity_rps: capacity,
    };
    if (replay) {
      await stop(replay);
      simulator = startSimulator();
      await waitUntil(async () => (await fetch(`${simUrl}/__sim/state`)).ok, 'simulator');
    }
  }

  // RSS across a soak at a steady 1,000 lookups/s.
  let soak: report.Soak | undefined;
  if (runs('soak') && SOAK_SECONDS > 0) {
    const sampler = sampleProcesses(target('lookup').pids, 5000);
    const options = { ...target('lookup').options, connections: CONNECTIONS };
    await autocannon({ ...options, duration: SOAK_SECONDS, overallRate: 1000 });
    const { series, maxRssMb } = sampler.stop();
    const minute = Math.min(12, Math.floor(series.length / 2));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    soak = {
      seconds: SOAK_SECONDS,
      firstMinuteMb: Math.round(mean(series.slice(0, minute))),
      lastMinuteMb: Math.round(mean(series.slice(-minute))),
      maxMb: maxRssMb,
    };
  }
  const gatewayRss = results.filter((r) => r.key === 'lookup' || r.key === 'verify');
  const rssMax =
    gatewayRss.length === 0 && soak === undefined
      ? undefined
      : Math.max(0, ...gatewayRss.map((r) => r.maxRssMb), soak?.maxMb ?? 0);

  // The quota: the gateway restarted with it configured, on CPU 0 with the load generator.
  let quota: QuotaResult | undefined;
  if (runs('quota')) {
    await stop(gateway);
    const configured = JSON.parse(readFileSync(location.configPath, 'utf8')) as {
      upstream: Record<string, unknown>;
    };
    configured.upstream['ratePerSecond'] = UPSTREAM_QUOTA_PER_SECOND;
    // Capacity planning (docs/performance.md): connections ≥ rate × latency, with room for jitter.
    configured.upstream['maxConnections'] = 128;
    writeFileSync(location.configPath, JSON.stringify(configured, null, 2));
    gateway = startGateway();
    pin(pinning, process.pid, TARGET_CPU);
    await waitUntil(answers(`${gatewayUrl}/healthz`, tlsOptions), 'gateway with the quota');
    quota = await quotaPhase(simUrl, target('lookup'), DURATION, pinning);
  }

  const ratios = report.ratios(results);
  const verdicts = report.verdicts(ratios, latency, rssMax, soak, quota);
  console.log(
    `\nGerbang bench — ${ROUNDS} round(s) × ${DURATION}s per target, ${CONNECTIONS} connections, node ${process.version}, phases ${ONLY.join(',')}`,
  );
  console.log(`${describePinning(pinning)}\n`);
  if (results.length > 0) report.printTable(results);
  if (!nginx) console.log('nginx: not installed, skipped (the bench installs nothing)');
  report.printPhases(latency, soak, quota);
  console.log(`ratios (Gerbang / other; CPU: higher is costlier): ${JSON.stringify(ratios)}`);
  report.printVerdicts(verdicts);
  const us = (key: Target['key']) => results.find((r) => r.key === key)?.cpuUsPerRequest ?? '-';
  if (results.length > 0)
    console.log(
      `\n${SMOKE ? 'smoke' : 'cpu'}: Gerbang lookup ${us('lookup')} µs CPU per request (bare proxy ${us('bare')} µs${nginx ? `, nginx ${us('nginx')} µs` : ''}; ratio ${ratios.lookup_vs_bare_proxy.cpu_us_per_request ?? '-'})${pinning.available ? '' : ' — unpinned'}`,
    );

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const record = {
    date: new Date().toISOString(),
    node: process.version,
    smoke: SMOKE,
    phases: ONLY,
    rounds: ROUNDS,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    pinning: { ...pinning, affinity },
    idleCpuPercent: idle,
    results,
    ratios,
    latency: latency ?? null,
    rss_mb_max: rssMax ?? null,
    soak: soak ?? null,
    quota_utilisation: quota?.utilisation ?? null,
    quota: quota ?? null,
    goals: report.GOALS,
    verdicts,
  };
  const file = join(ROOT, 'bench/results', SMOKE ? 'smoke.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  if (results.some((r) => r.errors > 0 || r.non2xx > 0)) {
    console.error('bench: some requests failed (see non2xx/errors)');
    process.exitCode = 1;
  }
} finally {
  await Promise.all(children.map((child) => stop(child)));
  rmSync(dir, { recursive: true, force: true });
}
