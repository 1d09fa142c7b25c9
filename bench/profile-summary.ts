/**
 * Where the time goes in a `node --cpu-prof` profile (BENCH_PROFILE=1 npm run bench writes them
 * to bench/results/profiles): the functions with the most self time, and time per source file.
 * Usage: node bin/run-ts.js bench/profile-summary.ts FILE.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-summary.ts FILE.cpuprofile [TOP]');
  process.exit(64);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'npm:')
    .replace(/^.*\/main\//, '');
const bucket = (map: Map<string, number>, key: string, micros: number) =>
  map.set(key, (map.get(key) ?? 0) + micros);
const functions = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id);
  if (node === undefined) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '(native)' : shortUrl(url);
  bucket(functions, `${functionName || '(anonymous)'}  ${where}:${String(lineNumber + 1)}`, micros);
  bucket(files, where.startsWith('npm:') ? where.split('/').slice(0, 2).join('/') : where, micros);
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * micros) / total).toFixed(1).padStart(6)} %  ${name}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time by function', functions);
print('self time by file or package', files);
