/**
 * CPU pinning for the bench: the target under test on one core, the load generator (this process)
 * and the simulator on the other, so that a target's figures are its own and not a share of a core
 * fought over with autocannon. Uses `taskset` (util-linux); where it is missing, or on a one-core
 * machine, everything runs unpinned and the output says so.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface Pinning {
  available: boolean;
  /** Why not, when not. */
  reason?: string;
  /** The target under test (and, in the quota phase, the gateway with its load generator). */
  targetCpu: number;
  /** The load generator and the simulator (in the quota phase: the simulator alone). */
  loadCpu: number;
}

export const TARGET_CPU = 0;
export const LOAD_CPU = 1;

export function detectPinning(): Pinning {
  const base = { targetCpu: TARGET_CPU, loadCpu: LOAD_CPU };
  const which = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '')
    return { available: false, reason: 'taskset is not installed (util-linux)', ...base };
  // os.cpus() lists the machine's cores, not this process's affinity (which a caller may have set).
  const count = cpus().length;
  if (count < 2)
    return { available: false, reason: `${count} core: nothing to pin apart`, ...base };
  // A cgroup or a caller may have confined this process to fewer cores than the machine has.
  const allowed = parseCpuList(allowedCpus(process.pid));
  if (!allowed.includes(TARGET_CPU) || !allowed.includes(LOAD_CPU))
    return {
      available: false,
      reason: `this process may only run on CPUs ${allowedCpus(process.pid)}`,
      ...base,
    };
  return { available: true, ...base };
}

/** A kernel CPU list ("0-3,6") as numbers; [] for what does not parse. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) return [];
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** Moves every thread of a running process to `cpu` (threads it starts later inherit it). */
export function pin(pinning: Pinning, pid: number | undefined, cpu: number): void {
  if (!pinning.available || pid === undefined) return;
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`taskset -a -p -c ${cpu} ${pid}: ${result.stderr}`);
}

/** The command line that starts `command` on `cpu` (taskset execs it: the PID is the command's). */
export function onCpu(
  pinning: Pinning,
  cpu: number,
  command: string,
  args: string[],
): [string, string[]] {
  return pinning.available ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** The CPUs a process may run on, as the kernel says (`Cpus_allowed_list`), for the record. */
export function allowedCpus(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

export function describePinning(pinning: Pinning): string {
  return pinning.available
    ? `pinned: targets on CPU ${pinning.targetCpu}, load generator + simulator on CPU ${pinning.loadCpu} (taskset)`
    : `NOT pinned: ${pinning.reason ?? 'unknown'}; targets, load generator and simulator share the cores`;
}
