/**
 * Vitest global setup: marks this run, and at its end finds every process that carries the mark
 * and is still running (gateways, simulators, pcscd, rsyslogd, chromium: anything the tests
 * started, however deep), kills it and fails the run naming it. The mark is an environment
 * variable set here, which every worker and every process they start inherits, so that a run of
 * another checkout, or another run of this one, is never touched.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_MARK = 'GERBANG_TEST_RUN_ID';

interface Leftover {
  readonly pid: number;
  readonly command: string;
}

const readProc = (pid: string, file: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // gone, or not ours to read
  }
};

/** Processes carrying `mark` other than vitest itself and its own helpers (its direct children). */
function processesMarked(mark: string): Leftover[] {
  const found: Leftover[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    if (!(readProc(pid, 'environ') ?? '').split('\0').includes(mark)) continue;
    const parent = /^PPid:\s+(\d+)$/m.exec(readProc(pid, 'status') ?? '')?.[1];
    if (Number(parent) === process.pid) continue;
    const state = /^State:\s+(\w)/m.exec(readProc(pid, 'status') ?? '')?.[1];
    if (state === 'Z') continue; // exited, waiting for its parent to reap it
    const command = (readProc(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
    found.push({ pid: Number(pid), command: command.slice(0, 200) });
  }
  return found;
}

const alive = (pid: number): boolean => {
  const state = /^State:\s+(\w)/m.exec(readProc(String(pid), 'status') ?? '')?.[1];
  return state !== undefined && state !== 'Z';
};

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export default function setup(): () => Promise<void> {
  const id = `${String(process.pid)}-${randomUUID()}`;
  process.env[RUN_MARK] = id;
  return async () => {
    const left = processesMarked(`${RUN_MARK}=${id}`);
    if (left.length === 0) return;
    for (const { pid } of left) signal(pid, 'SIGTERM');
    const deadline = performance.now() + 3_000;
    while (left.some(({ pid }) => alive(pid)) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const { pid } of left) if (alive(pid)) signal(pid, 'SIGKILL');
    // A throw from a teardown is printed but does not change vitest's exit status by itself.
    process.exitCode = 1;
    throw new Error(
      `processes started by the tests were still running at the end of the run, now killed:\n` +
        left.map(({ pid, command }) => `  ${String(pid)} ${command}`).join('\n'),
    );
  };
}
