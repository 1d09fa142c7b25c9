// The bench's arithmetic: what it reads from /proc and how µs per request and the ratios follow.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  coreBusyPercent,
  cpuPercent,
  cpuTicksOf,
  parseCoreTimes,
  parseStat,
  usPerRequest,
  withChildren,
} from './cpu.ts';
import { LATENESS_MODULE, maxLatenessMs } from './lateness-files.ts';
import { ROOT } from './processes.ts';
import { openLoop, openLoopAgent, runQueueWaitNs } from './open-loop.ts';
import { parseCpuList } from './pin.ts';
import { callRate, ratesBetween, type QuotaResult } from './quota-phase.ts';
import { quotaExceededVerdict, ratios, summariseLatency, verdicts } from './report.ts';
import type { TargetResult } from './throughput.ts';

describe('/proc/PID/stat', () => {
  it('counts the fields from the last parenthesis: a command name may hold spaces and ")"', () => {
    const line =
      '4242 (we ird) (name) S 17 4242 4242 0 -1 4194560 900 0 0 0 1234 567 0 0 20 0 11 0 3000 1000 20000\n';
    expect(parseStat(line)).toEqual({ ppid: 17, cpuTicks: 1234 + 567 });
  });

  it('reads this process as the kernel writes it', () => {
    expect(parseStat(readFileSync('/proc/self/stat', 'utf8')).ppid).toBe(process.ppid);
    expect(cpuTicksOf([process.pid])).toBeGreaterThan(0);
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseStat('no parenthesis here')).toThrow();
    expect(() => parseStat('1 (x) S')).toThrow();
  });
});

describe('/proc/stat', () => {
  it("gives each core's busy share between two readings, idle and iowait not counted", () => {
    const before = parseCoreTimes(
      'cpu  9 9 9 9 9 9 9 9 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\ncpu1 10 0 10 900 0 0 0 0 0 0\nintr 1 2\n',
    );
    // cpu0: 150 of 1,000 more jiffies busy (steal counts: the core was not ours); cpu1: 200 of 200.
    const after = parseCoreTimes(
      'cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 200 0 90 1600 100 0 0 10 0 0\ncpu1 110 0 110 900 0 0 0 0 0 0\n',
    );
    expect(before.get(0)).toEqual({ busy: 150, total: 1000 });
    expect(coreBusyPercent(before, after)).toEqual({ 0: 15, 1: 100 });
    expect(parseCoreTimes(readFileSync('/proc/stat', 'utf8')).size).toBeGreaterThan(0);
  });
});

describe('a process with its children (nginx: master and workers)', () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterEach(() => child?.kill());

  it('finds a real child by its parent PID', () => {
    child = spawn('sleep', ['30']);
    const pid = child.pid ?? -1;
    expect(withChildren(process.pid)).toEqual(expect.arrayContaining([process.pid, pid]));
    expect(withChildren(pid)).toEqual([pid]);
  });
});

describe('µs per request', () => {
  it('is the CPU seconds over the requests, at the clock-tick rate given', () => {
    expect(usPerRequest(250, 10_000, 100)).toBe(250); // 2.5 s over 10,000 requests
    expect(usPerRequest(3, 7, 100)).toBe(4285.7);
    expect(usPerRequest(100, 0, 100)).toBeNull();
    expect(cpuPercent(150, 2, 100)).toBe(75);
  });

  it('gives the CPU ratio as Gerbang over the bare proxy, and its verdict against 1.7', () => {
    const result = (key: TargetResult['key'], rps: number, us: number | null): TargetResult => ({
      key,
      name: key,
      requestsPerSecond: rps,
      cpuUsPerRequest: us,
      cpuPercent: 100,
      latencyMs: { p50: 1, p99: 2, p999: 3 },
      non2xx: 0,
      errors: 0,
      maxRssMb: 100,
      coresBusyPercent: {},
      rounds: [],
    });
    const r = ratios([result('bare', 4000, 250), result('lookup', 2000, 450)]);
    expect(r.lookup_vs_bare_proxy).toEqual({ requests_per_second: 0.5, cpu_us_per_request: 1.8 });
    expect(r.lookup_vs_nginx).toEqual({ requests_per_second: null, cpu_us_per_request: null });
    const v = verdicts(r, undefined, 150, undefined, undefined);
    expect(v['cpu_per_lookup_vs_bare_proxy']).toMatchObject({ measured: 1.8, holds: false });
    expect(v['added_p99_ms']).toMatchObject({ measured: null, holds: null });
    expect(v['rss_mb_max']).toMatchObject({ measured: 150, holds: true });
    const close = ratios([result('bare', 4000, 250), result('lookup', 2400, 425)]);
    expect(
      verdicts(close, undefined, undefined, undefined, undefined)['cpu_per_lookup_vs_bare_proxy'],
    ).toMatchObject({ measured: 1.7, holds: true });
  });
});

describe("the quota's use, from the simulator's counter", () => {
  it('counts calls per second between readings, each span by its own length', () => {
    const second = { calls: 300, at: 1_500 };
    const last = { calls: 1_280, at: 2_520 };
    const readings = [{ calls: 100, at: 1_000 }, second, { calls: 780, at: 2_000 }, last];
    expect(ratesBetween(readings)).toEqual([400, 960, 962]);
    expect(callRate(second, last)).toBeCloseTo(980 / 1.02, 6);
    expect(ratesBetween(readings.slice(0, 1))).toEqual([]);
  });
});

describe('the calls-over-the-quota verdict', () => {
  const quota = (wire: QuotaResult['wire'], simulatorCalls = 12_000): QuotaResult => ({
    upstreamLatencyMs: 50,
    quotaPerSecond: 1000,
    upstreamCallsPerSecond: 950,
    wholeRunCallsPerSecond: 850,
    halfSecondCallsPerSecond: [],
    utilisation: 0.95,
    busiestSecond: 1_040,
    secondsOverQuota: 42,
    clientRequestsPerSecond: 880,
    clientP99Ms: 700,
    gatewayCpuPercent: 75,
    coresBusyPercent: {},
    simulatorLatenessMs: { p50: 0.1, p99: 6, max: 50 },
    simulatorCalls,
    wire,
  });
  const counted = { arrivals: 12_000, otherRequests: 0, busiestSecond: 1_000, overQuota: 0 };

  it("judges by the kernel's count when it saw every call, and shows the simulator's beside it", () => {
    const v = quotaExceededVerdict(quota({ available: true, ...counted, kernelDrops: 0 }));
    expect(v).toMatchObject({ measured: 0, holds: true });
    expect(v.note).toMatch(/kernel's clock.*busiest second 1000.*simulator counted 42 over/);
  });

  it("falls back to the simulator's count when the wire's is incomplete or missing, and says why", () => {
    const dropped = quotaExceededVerdict(quota({ available: true, ...counted, kernelDrops: 3 }));
    expect(dropped).toMatchObject({ measured: 42, holds: false });
    expect(dropped.note).toMatch(
      /incomplete \(12000 arrivals of the simulator's 12000 calls, 3 dropped\)/,
    );
    const missed = quotaExceededVerdict(
      quota({ available: true, ...counted, kernelDrops: 0 }, 12_001),
    );
    expect(missed).toMatchObject({ measured: 42, holds: false });
    const none = quotaExceededVerdict(quota({ available: false, reason: 'no CAP_NET_RAW' }));
    expect(none).toMatchObject({ measured: 42, holds: false });
    expect(none.note).toMatch(/judged by it: no CAP_NET_RAW/);
  });
});

describe('a kernel CPU list (Cpus_allowed_list)', () => {
  it('expands ranges and single CPUs, and gives nothing for what does not parse', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('?')).toEqual([]);
  });
});

describe('the added-p99 verdict', () => {
  /** One target's window: its p99, p50, and how long the load generator stalled in it. */
  const loop = (p99: number, { p50 = 1, stall = 2, achieved = 1000, failed = 0 } = {}) => ({
    p50,
    p99,
    p999: p99,
    failed,
    achieved,
    completed: achieved * 4,
    targetCpuPercent: 50,
    coresBusyPercent: {},
    loopLateMaxMs: { simulator: null, target: null },
    sendLateMs: { p50: 0.5, p99: 1, max: stall },
    generatorLatenessMs: { p50: 0, p99: 1, max: Math.min(stall, 3) },
  });
  const round = (bare: ReturnType<typeof loop>, gateway: ReturnType<typeof loop>) => ({
    bare_proxy: bare,
    gateway,
    added_p50_ms: Math.round((gateway.p50 - bare.p50) * 100) / 100,
    added_p99_ms: Math.round((gateway.p99 - bare.p99) * 100) / 100,
  });
  const latency = (...rounds: ReturnType<typeof round>[]) => summariseLatency(0.5, 1000, rounds);
  const noRatios = ratios([]);
  const added = (l: ReturnType<typeof latency>) =>
    verdicts(noRatios, l, undefined, undefined, undefined)['added_p99_ms'];
  const rounds = (n: number, bare: number, gateway: number) =>
    Array.from({ length: n }, () => round(loop(bare), loop(gateway)));

  it("holds or not by Gerbang's median p99 less the bare proxy's", () => {
    expect(added(latency(...rounds(3, 3, 4.5)))).toMatchObject({ measured: 1.5, holds: true });
    const over = added(latency(...rounds(3, 3, 9)));
    expect(over).toMatchObject({ measured: 6, holds: false });
    expect(over?.note).toMatch(/Gerbang's p99 9 ms \(median of its 3 quiet window\(s\) of 3\)/);
  });

  it('takes each target its median, so that one stall on one window does not decide', () => {
    // Gerbang 4, 90, 4.2, 4, 4.1: median 4.1; the bare proxy 3, 3, 45, 3.1, 2.9: median 3.
    const verdict = added(
      latency(
        round(loop(3), loop(4)),
        round(loop(3), loop(90)),
        round(loop(45), loop(4.2)),
        round(loop(3.1), loop(4)),
        round(loop(2.9), loop(4.1)),
      ),
    );
    expect(verdict).toMatchObject({ measured: 1.1, holds: true });
    // A target's own stalls are its own: in most of its windows they decide against it.
    expect(added(latency(...rounds(2, 3, 60), ...rounds(1, 3, 4)))).toMatchObject({
      measured: 57,
      holds: false,
    });
  });

  it('leaves out the windows in which the load generator stalled, for either target', () => {
    const generatorStalledOnGateway = round(loop(3), loop(90, { stall: 85 }));
    const generatorStalledOnBare = round(loop(95, { stall: 92 }), loop(4));
    const verdict = added(
      latency(
        generatorStalledOnGateway,
        generatorStalledOnGateway,
        generatorStalledOnBare,
        ...rounds(3, 3, 4.5),
      ),
    );
    // Gerbang's quiet windows: 4, 4.5 × 3; the bare proxy's: 3 × 5.
    expect(verdict).toMatchObject({ measured: 1.5, holds: true });
    expect(verdict?.note).toMatch(
      /median of its 4 quiet window\(s\) of 6\) less the bare proxy's 3 ms \(median of its 5\)/,
    );
  });

  it('compares nothing with too few quiet windows, or a bare proxy that did not carry the rate', () => {
    const stalled = round(loop(3, { stall: 40 }), loop(4, { stall: 40 }));
    const cases = [
      latency(stalled, stalled, ...rounds(2, 3, 4)),
      latency(...rounds(3, 600, 400)),
      latency(...Array.from({ length: 3 }, () => round(loop(3, { achieved: 800 }), loop(4)))),
      latency(...Array.from({ length: 3 }, () => round(loop(3, { failed: 2 }), loop(4)))),
    ];
    for (const l of cases) {
      const verdict = added(l);
      expect(verdict).toMatchObject({ measured: null, holds: null });
      expect(verdict?.note).toMatch(/not compared: .* a comparison needs 3 quiet windows of each/);
    }
  });

  it('decides against by the p50 when nothing was compared and the median round adds more than the bound', () => {
    // Every bare proxy window queued (p99 200 ms), but Gerbang's p50 is 3.5 ms above the bare
    // proxy's in two rounds of three: its tail cannot be within 2 ms.
    const queued = (gatewayP50: number) =>
      round(loop(200, { p50: 1.5 }), loop(250, { p50: gatewayP50 }));
    const verdict = added(latency(queued(5), queued(2), queued(5)));
    expect(verdict).toMatchObject({ measured: null, holds: false });
    expect(verdict?.note).toMatch(/already the added p50 is 3.5 ms \(median of all 3 round/);
    // At a median added p50 within the bound it says nothing, for or against.
    expect(added(latency(queued(3), queued(2), queued(9)))).toMatchObject({
      measured: null,
      holds: null,
    });
  });
});

describe("a process's loop lateness in a window", () => {
  const series = [
    { t: 1000, maxMs: 2 },
    { t: 1250, maxMs: 40 },
    { t: 1500, maxMs: 3 },
    { t: 1750, maxMs: 90 },
  ]
    .map((line) => JSON.stringify(line))
    .join('\n');

  it('takes the quarter-seconds the window covers, and the one that ends after it', () => {
    expect(maxLatenessMs(series, 1100, 1400)).toBe(40);
    expect(maxLatenessMs(series, 1260, 1400)).toBe(3);
    expect(maxLatenessMs(series, 1000, 1750)).toBe(90);
  });

  it('is null when the process wrote nothing in the window', () => {
    expect(maxLatenessMs(series, 5000, 6000)).toBeNull();
    expect(maxLatenessMs('', 0, 10_000)).toBeNull();
  });
});

describe('the allocation profile (bench/alloc-profile.js, bench/profile-summary.ts)', () => {
  it('counts what a process allocated and the collector took back, by function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alloc-'));
    const file = join(dir, 'ALLOC.heapprofile');
    // Garbage only: without the collected objects counted, the profile would hold none of it.
    const script =
      'function churnForTheTest() { let kept; for (let i = 0; i < 300000; i++) kept = { i, text: "x" + i }; return kept; } churnForTheTest();';
    const run = spawnSync(
      process.execPath,
      ['--import', join(ROOT, 'bench/alloc-profile.js'), '-e', script],
      { env: { ...process.env, BENCH_ALLOC_PROFILE_FILE: file }, encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const summary = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'bench/profile-summary.ts'), file, '3'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(summary.status).toBe(0);
    const byFunction = summary.stdout.split('allocated by function')[1]?.split('\n')[1] ?? '';
    // About 300,000 small objects and strings, tens of MiB: most of what the process allocated.
    expect(byFunction).toMatch(/^\s+([5-9]\d|100)\.\d %\s+churnForTheTest/);
    const mib = Number(/: ([\d.]+) MiB allocated/.exec(summary.stdout)?.[1]);
    expect(mib).toBeGreaterThan(5);
  });
});

describe('the loop-lateness preload (bench/loop-lateness.js)', () => {
  it('records a stall of the process it runs in, with its time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lateness-'));
    const file = join(dir, 'lateness-probe.jsonl');
    // Idle a little, block the loop for 400 ms, then idle until two more lines are written.
    const script =
      'setTimeout(() => { const end = Date.now() + 400; while (Date.now() < end); }, 300); setTimeout(() => {}, 1200);';
    const started = Date.now();
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, ['--import', LATENESS_MODULE, '-e', script], {
        env: { ...process.env, BENCH_LATENESS_FILE: file },
        stdio: 'ignore',
      });
      child.on('error', fail);
      child.on('exit', () => {
        done();
      });
    });
    const text = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    const stalled = maxLatenessMs(text, started, Date.now());
    expect(stalled).toBeGreaterThan(300);
    expect(stalled).toBeLessThan(1000);
    // The quarter-seconds before the stall were quiet.
    expect(maxLatenessMs(text, started, started + 250)).toBeLessThan(100);
  });
});

describe('the open loop against a real server', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  });

  it('sends at the planned rate, counts answers that are not 200 as failed, and reports its own lateness', async () => {
    let seen = 0;
    const server = createServer((request, response) => {
      seen++;
      request.resume();
      response.statusCode = seen % 10 === 0 ? 503 : 200;
      response.end('{}');
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const options = { url: `http://127.0.0.1:${port}/x`, method: 'POST' as const, body: '{}' };
    const agent = await openLoopAgent(options);
    const result = await openLoop(options, 200, 0.5, agent);
    await agent.close();
    expect(seen).toBe(100);
    expect(result.failed).toBe(10);
    expect(result.completed).toBe(90);
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(result.sendLateMs?.max).toBeGreaterThanOrEqual(0);
    expect(result.fromSendMs?.p99).toBeLessThanOrEqual(result.p99 + 0.01);
    expect(result.generatorRunQueueWaitMs).toBeGreaterThanOrEqual(0);
  });

  it('reads the run-queue wait from schedstat, and nothing from what does not parse', () => {
    expect(runQueueWaitNs('123456 7890 12\n')).toBe(7890);
    expect(runQueueWaitNs('garbage')).toBeUndefined();
  });
});
