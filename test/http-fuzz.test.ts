/**
 * Seeded HTTP fuzzing of a real `gerbang serve` process over real mTLS: thousands of hostile raw
 * requests (test/fuzz/http-cases.ts) at every endpoint of its OpenAPI document. Every request
 * must get an answer in the one error shape with a catalogued code; no 5xx other than the mapped
 * upstream and audit codes; no stack trace or resident in any answer; the process survives with
 * bounded memory and a trail that verifies.
 *
 * `npm test` sends FUZZ_REQUESTS (3,000 by default); `npm run test:soak` sends 100,000.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { clientCredentials } from '../gateway/config/instance.ts';
import { ERROR_CODES } from '../gateway/http/error-catalogue.ts';
import { CANARY_SITI_RELEASED } from './fixtures/canary.ts';
import { fuzzCase, seededRandom, type FuzzEndpoint } from './fuzz/http-cases.ts';
import { rawExchange, type RawExchange } from './helpers/raw-tls.ts';
import {
  disposeInstance,
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';

const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 3000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x6e72_6261);
const CONCURRENCY = 16;
/** The 5xx a client may see: Dukcapil's troubles and a trail that cannot be written. */
const ALLOWED_5XX = new Set([
  'upstream_error',
  'upstream_rejected',
  'upstream_unavailable',
  'upstream_timeout',
  'audit_unavailable',
]);
const KNOWN_CODES = new Set<string>(ERROR_CODES);
const RESIDENTS = [CANARY_SITI_RELEASED.nama_lengkap, 'BUDI MERPATI SANTOSO'];

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

/** What is wrong with one answer, or undefined when it is acceptable. */
function problemWith(answer: RawExchange, path: string): string | undefined {
  if (answer.status === undefined) return 'no answer';
  if (/\n\s+at |\.ts:\d+|node:internal/.test(answer.body)) return 'stack trace in the answer';
  const json = /content-type: application\/json/i.test(answer.head);
  if (path === '/readyz' && answer.status === 503) return `not ready: ${answer.body}`;
  if (answer.status >= 400) {
    if (RESIDENTS.some((name) => answer.body.includes(name))) return 'a resident in an error';
    // A page address (consoles, clerk portal) answers with a page, for a person to read: the
    // refusal page names its code (`· <code>forbidden</code>`), a form shown again carries its
    // error in its alert. Either way a catalogued code, and no 5xx but the allowed ones.
    const page =
      /^\/(console|portal)(\/|$)/.test(path) && /content-type: text\/html/i.test(answer.head);
    if (page) {
      const code = /· <code>([a-z_]+)<\/code>/.exec(answer.body)?.[1];
      if (code !== undefined) {
        if (!KNOWN_CODES.has(code)) return `${answer.status} page with an unknown code`;
        return answer.status >= 500 && !ALLOWED_5XX.has(code)
          ? `${answer.status} ${code}`
          : undefined;
      }
      if (!answer.body.includes('role="alert"')) return `${answer.status} page without its error`;
      return answer.status < 500 || [...ALLOWED_5XX].some((c) => answer.body.includes(c))
        ? undefined
        : `${answer.status} page`;
    }
    if (!json) return `${answer.status} without a JSON error`;
    let code: unknown;
    try {
      code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    } catch {
      return `${answer.status} with a body that is not JSON`;
    }
    if (typeof code !== 'string' || !KNOWN_CODES.has(code))
      return `${answer.status} with an unknown code`;
    if (answer.status >= 500 && !ALLOWED_5XX.has(code)) return `${answer.status} ${code}`;
  }
  return undefined;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

describe(`HTTP fuzzing: ${REQUESTS} seeded hostile requests`, () => {
  it(
    `answers every one with a catalogued code, no unmapped 5xx, and survives (seed ${SEED.toString(16)})`,
    { timeout: Math.max(120_000, REQUESTS * 10) },
    async () => {
      instance = await prepareInstance();
      const { dir, port } = instance;
      const log = process.env['FUZZ_DEBUG'] ? openSync('/tmp/fuzz-gateway.log', 'w') : 'ignore';
      gateway = spawnGerbang(['serve'], dir, { stdio: ['ignore', log, log] });
      const agent = instance.agent('officer-1');
      await waitForHealth(instance.url, agent);
      const pid = gateway.pid ?? 0;

      const openapi = await request(`${instance.url}/openapi.json`, { dispatcher: agent });
      const document = (await openapi.body.json()) as {
        paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
      };
      const endpoints: FuzzEndpoint[] = Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          ...(operation['x-roles'] ? { roles: operation['x-roles'] } : {}),
        })),
      );
      const pkiDir = join(dir, 'pki');
      const credentials = new Map(
        [
          'app-pendaftaran',
          'app-kasir',
          'officer-1',
          'evaluator-1',
          'reader-01',
          'admin-1',
          'petugas-01',
        ].map((id) => [id, clientCredentials(pkiDir, id)]),
      );

      const random = seededRandom(SEED);
      const cases = function* () {
        for (let i = 0; i < REQUESTS; i++) yield { index: i, ...fuzzCase(random, endpoints) };
      };
      const queue = cases();
      const problems = new Map<string, { count: number; example: string }>();
      const statuses = new Map<number, number>();
      let warmRss = 0;
      let maxRss = 0;
      const worker = async (): Promise<void> => {
        for (let next = queue.next(); next.done !== true; next = queue.next()) {
          const fuzz = next.value;
          const own = credentials.get(fuzz.principal);
          if (own === undefined) throw new Error(`no credentials for ${fuzz.principal}`);
          const answer = await rawExchange({ host: '127.0.0.1', port, ...own }, fuzz.bytes);
          statuses.set(answer.status ?? 0, (statuses.get(answer.status ?? 0) ?? 0) + 1);
          const target = /^\S+\s+(\S+)/.exec(fuzz.bytes.toString('latin1'))?.[1] ?? '';
          const problem = problemWith(answer, target);
          if (process.env['FUZZ_DEBUG'] && (answer.status ?? 0) >= 500)
            console.log(
              answer.status,
              answer.body.slice(0, 200),
              fuzz.bytes.subarray(0, 400).toString(),
            );
          if (problem !== undefined) {
            const key = `${problem} (${fuzz.kind})`;
            const seen = problems.get(key) ?? {
              count: 0,
              example: `case ${fuzz.index}: ${fuzz.bytes.subarray(0, 160).toString()} → ${answer.head.slice(0, 200)} ${answer.body.slice(0, 120)}`,
            };
            seen.count++;
            problems.set(key, seen);
          }
          if (fuzz.index === Math.min(500, REQUESTS - 1)) warmRss = rssMiB(pid);
          if (fuzz.index % 250 === 0) maxRss = Math.max(maxRss, rssMiB(pid));
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      maxRss = Math.max(maxRss, rssMiB(pid));

      expect(Object.fromEntries(problems)).toEqual({});
      // The run reached past the parsers: refusals, validation errors and real answers all occur.
      expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 10);
      expect([...statuses.keys()].filter((status) => status >= 200 && status < 300)).not.toEqual(
        [],
      );
      expect(statuses.get(413) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(431) ?? 0).toBeGreaterThan(0);

      // Alive, ready, and memory bounded: no growth beyond what the warm process already used.
      expect(gateway.exitCode).toBeNull();
      const ready = await request(`${instance.url}/readyz`, { dispatcher: agent });
      await ready.body.dump();
      expect(ready.statusCode).toBe(200);
      expect(maxRss).toBeLessThan(Math.max(warmRss * 1.5, warmRss + 64));
      await agent.close();
      gateway.kill('SIGTERM');
      await new Promise((resolve) => gateway?.once('exit', resolve));

      const verify = spawnSync(process.execPath, [GERBANG, 'audit', 'verify'], {
        cwd: ROOT,
        env: { ...process.env, GERBANG_DATA_DIR: dir },
        encoding: 'utf8',
      });
      expect(verify.status).toBe(0);
    },
  );
});
