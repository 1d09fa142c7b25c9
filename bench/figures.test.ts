// The bench's arithmetic: what it reads from /proc and how µs per request and the ratios follow.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
import { parseCpuList } from './pin.ts';
import { ratios, verdicts } from './report.ts';
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

describe('a kernel CPU list (Cpus_allowed_list)', () => {
  it('expands ranges and single CPUs, and gives nothing for what does not parse', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('?')).toEqual([]);
  });
});

describe('the added-p99 verdict', () => {
  const loop = (p99: number, achieved = 1000, failed = 0) => ({
    p50: 1,
    p99,
    p999: p99,
    failed,
    achieved,
    completed: achieved * 10,
    targetCpuPercent: 50,
    coresBusyPercent: {},
  });
  const latency = (bare: ReturnType<typeof loop>, gateway: ReturnType<typeof loop>) => ({
    fraction: 0.5,
    open_loop_rps: 1000,
    bare_proxy: bare,
    gateway,
    added_p50_ms: 0,
    added_p99_ms: Math.round((gateway.p99 - bare.p99) * 100) / 100,
  });
  const noRatios = ratios([]);
  const added = (l: ReturnType<typeof latency>) =>
    verdicts(noRatios, l, undefined, undefined, undefined)['added_p99_ms'];

  it('holds or not by the difference when the machine carried the load', () => {
    expect(added(latency(loop(3), loop(4.5)))).toMatchObject({ measured: 1.5, holds: true });
    expect(added(latency(loop(3), loop(9)))).toMatchObject({ measured: 6, holds: false });
  });

  it('gives no verdict when the bare proxy itself queued, failed or fell behind the rate', () => {
    for (const bare of [loop(600), loop(3, 800), loop(3, 1000, 2)]) {
      const verdict = added(latency(bare, loop(400)));
      expect(verdict?.holds).toBeNull();
      expect(verdict?.note).toMatch(/did not carry 1000 req\/s/);
    }
  });
});
