/**
 * Attack 10 (issue 19, finding 10): client-chosen keys grow the gateway's memory without bound.
 * The anomaly detector kept a 3,600-slot array per client and operator id forever, and the
 * operator id is whatever the app puts in `X-Operator-Id`: 12,000 distinct ids took the gateway
 * from 128 to 403 MB.
 *
 * Here an app looks residents up from a real `gerbang serve` (real TLS, real files) with a fresh
 * operator id on every one of 12,500 requests. The defence gets: the gateway's memory, measured
 * after a full garbage collection (through the process's inspector), grows by far less than the
 * old cost (14 KB an id, 170 MB for these) — resident set under 60 MB, live heap under 16 MB —
 * the detector holds no more ids than its cap (`anomalies.maxOperatorsPerClient`, shown in
 * /metrics) and has forgotten the rest, an `operator_churn` alert reaches the officer, and every
 * lookup is still served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request, WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeInstance,
  GERBANG,
  prepareInstance,
  ROOT,
  waitForHealth,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { tracked } from '../helpers/processes.ts';
import { probeUntil } from '../helpers/until.ts';

const DISTINCT_OPERATORS = 12_500;
const CAP = 1000;
const NEW_PER_HOUR = 200;
/** Generous, but far below the 170 MB the old detector needed for these ids. */
const MAX_RSS_GROWTH_BYTES = 60 * 1024 * 1024;
/** What the live heap (after a full collection) may keep of the churn: the ids held, and slack. */
const MAX_HEAP_GROWTH_BYTES = 16 * 1024 * 1024;

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;

beforeAll(async () => {
  instance = await prepareInstance((config) => ({
    ...config,
    anomalies: {
      ...config.anomalies,
      maxOperatorsPerClient: CAP,
      newOperatorsPerHour: NEW_PER_HOUR,
    },
  }));
  gateway = await startInspectableGateway(instance);
}, 60_000);

afterAll(async () => {
  await disposeInstance(instance, gateway);
});

let inspectorUrl = '';

/**
 * `gerbang serve` as a real process, with the V8 inspector on a loopback port: the test forces a
 * full garbage collection before each measurement, so that what it compares is what the gateway
 * keeps, not garbage it has not collected yet.
 */
async function startInspectableGateway(at: PreparedInstance): Promise<ChildProcess> {
  const child = tracked(
    spawn(process.execPath, ['--inspect=127.0.0.1:0', GERBANG, 'serve'], {
      cwd: ROOT,
      env: { ...process.env, GERBANG_DATA_DIR: at.dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    inspectorUrl ||= /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? '';
  });
  await waitForHealth(at.url, at.agent('officer-1'));
  if (inspectorUrl === '') throw new Error(`no inspector: ${stderr}`);
  return child;
}

/** The gateway's memory after a full garbage collection, through its inspector. */
async function memoryAfterCollection(): Promise<NodeJS.MemoryUsage> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  let id = 0;
  type Answer = { id?: number; result?: { result?: { value?: string } } };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Answer>((resolve) => {
      const mine = ++id;
      const listen = (event: { data: unknown }) => {
        const message = JSON.parse(String(event.data)) as Answer;
        if (message.id !== mine) return;
        socket.removeEventListener('message', listen);
        resolve(message);
      };
      socket.addEventListener('message', listen);
      socket.send(JSON.stringify({ id: mine, method, params }));
    });
  try {
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const answer = await send('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    return JSON.parse(answer.result?.result?.value ?? '{}') as NodeJS.MemoryUsage;
  } finally {
    socket.close();
  }
}

const retained = (memory: NodeJS.MemoryUsage) => memory.heapUsed + memory.arrayBuffers;

/** `count` lookups by app-pendaftaran, `parallel` at a time, operator id `operatorOf(i)`. */
async function lookups(
  count: number,
  operatorOf: (i: number) => string,
  parallel = 32,
): Promise<Map<number, number>> {
  const at = instance as PreparedInstance;
  const dispatcher = at.agent('app-pendaftaran');
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const response = await request(`${at.url}/v1/nik/lookup`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', 'x-operator-id': operatorOf(i) },
        body: JSON.stringify({
          nik: '6474015709900001',
          purpose: 'pendaftaran-wp',
          reference: `SURAT/2026/${(i % 997).toString()}`,
        }),
      });
      await response.body.dump();
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  await dispatcher.close();
  return statuses;
}

async function metrics(): Promise<Record<string, number>> {
  const at = instance as PreparedInstance;
  const response = await request(`${at.url}/metrics`, { dispatcher: at.agent('officer-1') });
  const text = await response.body.text();
  const values: Record<string, number> = {};
  for (const [, name = '', value = ''] of text.matchAll(/^(gerbang_anomaly_\w+) (\d+)$/gm))
    values[name] = Number(value);
  return values;
}

describe('attack 10: a fresh X-Operator-Id on every request', () => {
  it(
    'keeps the memory bounded, holds at most the cap of ids, and alerts the officer to the churn',
    { timeout: 60_000 },
    async () => {
      // Warm up with the same load and a steady set of operators, so that the baseline includes
      // what any busy gateway holds (connections, caches, a grown heap).
      expect(await lookups(3000, (i) => `kasir.${(i % 20).toString()}`)).toEqual(
        new Map([[200, 3000]]),
      );
      const baseline = await memoryAfterCollection();

      const served = await lookups(DISTINCT_OPERATORS, (i) => `rotating.${i.toString()}`);
      expect(served).toEqual(new Map([[200, DISTINCT_OPERATORS]]));

      // The detector saw every record (it follows the commits): it holds the cap, no more.
      const seen = await probeUntil(
        metrics,
        (m) => (m['gerbang_anomaly_operators_evicted_total'] ?? 0) >= DISTINCT_OPERATORS + 20 - CAP,
        { timeoutMs: 20_000 },
      );
      expect(seen['gerbang_anomaly_tracked_operators']).toBe(CAP);
      expect(seen['gerbang_anomaly_operators_evicted_total']).toBe(DISTINCT_OPERATORS + 20 - CAP);

      const after = await memoryAfterCollection();
      expect(after.rss - baseline.rss).toBeLessThan(MAX_RSS_GROWTH_BYTES);
      expect(retained(after) - retained(baseline)).toBeLessThan(MAX_HEAP_GROWTH_BYTES);

      // The churn itself is an anomaly, raised once for the client, with what it brought.
      const at = instance as PreparedInstance;
      const response = await request(`${at.url}/v1/alerts?limit=500`, {
        dispatcher: at.agent('officer-1'),
      });
      const { items } = (await response.body.json()) as {
        items: { rule?: string; detail?: Record<string, unknown> }[];
      };
      const churn = items.filter((alert) => alert.rule === 'operator_churn');
      expect(churn).toHaveLength(1);
      expect(churn[0]?.detail).toMatchObject({
        client: 'app-pendaftaran',
        threshold: NEW_PER_HOUR,
        newOperatorsLastHour: NEW_PER_HOUR + 1,
      });
    },
  );
});
