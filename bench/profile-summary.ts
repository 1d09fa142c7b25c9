/**
 * Where the time or the memory goes in a profile the bench wrote to bench/results/profiles:
 * a `node --cpu-prof` profile (BENCH_PROFILE=1: self time) or a sampling heap profile
 * (BENCH_ALLOC_PROFILE=1, bench/alloc-profile.js: bytes allocated, collected or not). It prints
 * the functions and the source files or packages with the most, and for a heap profile also the
 * innermost of the project's own frames each allocation was made under (a request's garbage is
 * mostly made inside libraries, on behalf of the gateway's code that called them).
 * Usage: node bin/run-ts.js bench/profile-summary.ts FILE.cpuprofile|FILE.heapprofile [TOP]
 */
import { readFileSync } from 'node:fs';
import { ROOT } from './processes.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
}
/** An amount (µs or bytes) and the frames it was spent under, innermost last. */
interface Spent {
  amount: number;
  stack: CallFrame[];
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'npm:')
    // Relative to this checkout, wherever it is: the project's own frames are told by their path.
    .replace(`${ROOT}/`, '');
const where = (frame: CallFrame) => (frame.url === '' ? '(native)' : shortUrl(frame.url));
const named = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'}  ${where(frame)}:${String(frame.lineNumber + 1)}`;
/** The project's own code: neither a package, nor Node's, nor native. */
const ownCode = (frame: CallFrame) =>
  /^(dist|gateway|adapters|policies|audit)\//.test(where(frame));

function cpuSpent(profile: CpuProfile): Spent[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    micros.set(id, (micros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  return [...micros].flatMap(([id, amount]) => {
    const node = byId.get(id);
    return node === undefined ? [] : [{ amount, stack: [node.callFrame] }];
  });
}

function heapSpent(profile: HeapProfile): Spent[] {
  const spent: Spent[] = [];
  const walk = (node: HeapNode, stack: CallFrame[]) => {
    const here = [...stack, node.callFrame];
    if (node.selfSize > 0) spent.push({ amount: node.selfSize, stack: here });
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  return spent;
}

/** The amounts summed by a key of each, largest first. */
function totals(spent: Spent[], key: (s: Spent) => string): [string, number][] {
  const sums = new Map<string, number>();
  for (const s of spent) sums.set(key(s), (sums.get(key(s)) ?? 0) + s.amount);
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const innermost = (s: Spent) => s.stack[s.stack.length - 1] as CallFrame;
const byFunction = (s: Spent) => named(innermost(s));
const byFile = (s: Spent) => {
  const file = where(innermost(s));
  return file.startsWith('npm:') ? file.split('/').slice(0, 2).join('/') : file;
};
const byOwnFrame = (s: Spent) => {
  const own = [...s.stack].reverse().find(ownCode);
  return own === undefined ? '(none of the project’s frames)' : named(own);
};

const [file, topText] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-summary.ts FILE.cpuprofile|FILE.heapprofile [TOP]');
  process.exit(64);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | HeapProfile;
const heap = 'head' in profile;
const spent = heap ? heapSpent(profile) : cpuSpent(profile);
const total = spent.reduce((sum, s) => sum + s.amount, 0);
const print = (title: string, key: (s: Spent) => string) => {
  console.log(`\n${title}`);
  for (const [name, amount] of totals(spent, key).slice(0, top))
    console.log(`${((100 * amount) / total).toFixed(1).padStart(6)} %  ${name}`);
};
const what = heap ? 'allocated' : 'self time';
console.log(
  `${file}: ${heap ? `${(total / 2 ** 20).toFixed(1)} MiB allocated (sampled)` : `${(total / 1e6).toFixed(1)} s sampled`}`,
);
print(`${what} by function`, byFunction);
print(`${what} by file or package`, byFile);
if (heap) print('allocated under the innermost of the project’s own frames', byOwnFrame);
