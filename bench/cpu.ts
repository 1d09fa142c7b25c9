/**
 * The CPU time a target spends per request: utime + stime from /proc/PID/stat (the process's
 * total over all its threads; for nginx the master's and the workers' summed), read before and
 * after a measured window and divided by the requests completed in it. On a shared machine it
 * drifts far less than req/s, which also depends on how much of the core the target got.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of the /proc time fields (`getconf CLK_TCK`, 100 on Linux). */
export const CLOCK_TICKS = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(result.stdout.trim());
  return result.status === 0 && value > 0 ? value : 100;
})();

export interface ProcStat {
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/**
 * Parses one /proc/PID/stat line. The command name (field 2) is in parentheses and may itself
 * hold spaces and ')', so the fields are counted from the last ')'.
 */
export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/PID/stat line');
  // After ") ": state(3) ppid(4) … utime(14) stime(15), numbered as in proc(5).
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) throw new Error('malformed /proc/PID/stat');
  return { ppid, cpuTicks: utime + stime };
}

/** µs of CPU per request; null when no request completed. */
export function usPerRequest(ticks: number, requests: number, ticksPerSecond = CLOCK_TICKS) {
  if (requests <= 0) return null;
  return Math.round(((ticks / ticksPerSecond) * 1e6 * 10) / requests) / 10;
}

/** CPU % of one core over a window (100 = one core saturated). */
export function cpuPercent(ticks: number, seconds: number, ticksPerSecond = CLOCK_TICKS) {
  return seconds > 0 ? Math.round((ticks / ticksPerSecond / seconds) * 100) : 0;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone
  }
}

/** A process and its direct children (nginx: the master and its workers). */
export function withChildren(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => readStat(child)?.ppid === pid);
  return [pid, ...children];
}

export function cpuTicksOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuTicks ?? 0), 0);
}

export function rssMbOf(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/**
 * Each core's busy and total jiffies from /proc/stat ("cpuN user nice system idle iowait irq
 * softirq steal …"); busy counts everything but idle and iowait, steal included (time the core was
 * not ours). Read around a window, it tells whether others used the target's core meanwhile.
 */
export function parseCoreTimes(text: string): Map<number, { busy: number; total: number }> {
  const cores = new Map<number, { busy: number; total: number }>();
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const values = (match[2] ?? '').trim().split(/\s+/).slice(0, 8).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    cores.set(Number(match[1]), { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total });
  }
  return cores;
}

const coreTimes = () => parseCoreTimes(readFileSync('/proc/stat', 'utf8'));

/** Busy % of each core between two readings. */
export function coreBusyPercent(
  before: Map<number, { busy: number; total: number }>,
  after: Map<number, { busy: number; total: number }>,
): Record<number, number> {
  const busy: Record<number, number> = {};
  for (const [cpu, end] of after) {
    const start = before.get(cpu);
    if (start === undefined || end.total <= start.total) continue;
    busy[cpu] = Math.round(((end.busy - start.busy) / (end.total - start.total)) * 100);
  }
  return busy;
}

export interface Usage {
  cpuTicks: number;
  seconds: number;
  cpuPercent: number;
  maxRssMb: number;
  /** RSS samples (MiB), one per `everyMs`. */
  series: number[];
  /** Busy % of each core over the window, whoever used it. */
  coresBusyPercent: Record<number, number>;
}

/** Samples the target's RSS while a load runs and its CPU time between start and stop. */
export function sampleProcesses(pids: () => number[], everyMs = 250) {
  const watched = pids();
  const series: number[] = [];
  const startTicks = cpuTicksOf(watched);
  const startCores = coreTimes();
  const started = performance.now();
  const timer = setInterval(() => series.push(rssMbOf(watched)), everyMs);
  return {
    stop: (): Usage => {
      clearInterval(timer);
      const cpuTicks = cpuTicksOf(watched) - startTicks;
      const seconds = (performance.now() - started) / 1000;
      series.push(rssMbOf(watched));
      return {
        cpuTicks,
        seconds,
        cpuPercent: cpuPercent(cpuTicks, seconds),
        maxRssMb: Math.round(Math.max(...series)),
        series,
        coresBusyPercent: coreBusyPercent(startCores, coreTimes()),
      };
    },
  };
}
