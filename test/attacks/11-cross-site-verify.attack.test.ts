/**
 * Attack 11 (issue 19): another site's page makes an officer's browser (which attaches the
 * officer's client certificate to any request) ask the console for a full chain verification —
 * `GET /console/officer?verify=1` from a link, an image or a form — and each verification held the
 * event loop for the length of the trail (about 0.6 s at 27,000 records), every data request
 * waiting meanwhile. Against a real gateway process over real TLS, on a trail seeded with 30,000
 * records: a cross-site GET verifies nothing, a cross-site POST is refused, a same-origin POST
 * verifies, and while it runs a lookup is answered before the verification finishes.
 */
import type { ChildProcess } from 'node:child_process';
import { request, type Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.ts';
import { locateInstance } from '../../gateway/config/instance.ts';
import { openAuditStore } from '../../gateway/server/audit-store.ts';
import {
  disposeInstance,
  prepareInstance,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { holdsWithin } from '../helpers/until.ts';

const SEEDED = 30_000;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CROSS_SITE_LINK = {
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
};

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
const agents = new Map<string, Agent>();
const as = (id: string): Agent => {
  if (instance === undefined) throw new Error('no instance');
  const agent = agents.get(id) ?? instance.agent(id);
  agents.set(id, agent);
  return agent;
};

async function call(
  id: string,
  path: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
) {
  const response = await request(`${instance?.url ?? ''}${path}`, {
    method: options.method ?? 'GET',
    dispatcher: as(id),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** The officers' verifications on the record (read through the API, as an evaluator would). */
async function verificationsRecorded(): Promise<number> {
  const { text } = await call('officer-1', '/v1/audit/events?type=audit&event=verify&limit=500');
  return (JSON.parse(text) as { items: unknown[] }).items.length;
}

beforeAll(async () => {
  instance = await prepareInstance();
  // A large trail, written by the gateway's own store before it starts.
  const config = loadConfig(locateInstance({ GERBANG_DATA_DIR: instance.dir }).configPath);
  const store = openAuditStore(config, instance.dir);
  for (let done = 0; done < SEEDED; done += 1000)
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        store.append({
          type: 'system',
          event: 'seeded',
          outcome: 'success',
          detail: { i: done + i },
        }),
      ),
    );
  await store.close();
  gateway = spawnGerbang(['serve'], instance.dir);
  await waitForHealth(instance.url, as('officer-1'));
}, 180_000);

afterAll(async () => {
  for (const agent of agents.values()) await agent.close();
  await disposeInstance(instance, gateway);
});

describe('attack 11: another site makes an officer’s browser verify the whole chain', () => {
  it('a cross-site GET ?verify=1 (a link, an image) verifies nothing', async () => {
    const link = await call('officer-1', '/console/officer?verify=1', { headers: CROSS_SITE_LINK });
    expect(link.status).toBe(200);
    expect(link.text).not.toContain('id="chain-result"');
    expect(link.text).toContain('method="post" action="/console/officer/verify"');
    const image = await call('officer-1', '/console/officer?verify=1', {
      headers: {
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'no-cors',
        'sec-fetch-dest': 'image',
      },
    });
    expect(image.status).toBe(403);
    const api = await call('officer-1', '/v1/audit/verify', { headers: CROSS_SITE_LINK });
    expect(api.status).toBe(403);
    expect(await verificationsRecorded()).toBe(0);
  });

  it('a cross-site POST (a form on another site) is refused with 403, and verifies nothing', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const post = await call('officer-1', '/console/officer/verify', {
        method: 'POST',
        headers: { ...FORM, 'sec-fetch-site': site },
        body: '',
      });
      expect(post.status).toBe(403);
    }
    expect(await verificationsRecorded()).toBe(0);
  });

  it(
    'a same-origin POST verifies off the event loop: a lookup meanwhile is answered first',
    { timeout: 120_000 },
    async () => {
      const order: string[] = [];
      const verification = call('officer-1', '/console/officer/verify', {
        method: 'POST',
        headers: { ...FORM, 'sec-fetch-site': 'same-origin' },
        body: '',
      }).then((answer) => {
        order.push('verification answered');
        return answer;
      });
      // The page is served while the run is under way, and says so: a verification on the event
      // loop would hold this GET until it finished, and the page would never show it running.
      const seenRunning = await holdsWithin(
        async () =>
          order.length === 0 &&
          (await call('officer-1', '/console/officer')).text.includes('id="chain-running"'),
        { timeoutMs: 60_000, intervalMs: 10 },
      );
      expect(seenRunning).toBe(true);
      const lookup = await call('app-pendaftaran', '/v1/nik/lookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-operator-id': 'petugas.07' },
        body: JSON.stringify({
          nik: '6474015709900001',
          purpose: 'pendaftaran-wp',
          reference: 'ATTACK-11',
        }),
      });
      order.push(`lookup ${lookup.status}`);
      const answer = await verification;
      expect(order).toEqual(['lookup 200', 'verification answered']);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('id="chain-result" class="ok"');
      const records = Number(/intact: (\d+) catatan/.exec(answer.text)?.[1]);
      expect(records).toBeGreaterThan(SEEDED);
      expect(await verificationsRecorded()).toBe(1);
    },
  );

  it('a second POST while one runs joins it: one run, each request recorded', async () => {
    const post = () =>
      call('officer-1', '/console/officer/verify', {
        method: 'POST',
        headers: { ...FORM, 'sec-fetch-site': 'same-origin' },
        body: '',
      });
    const [first, second] = await Promise.all([post(), post()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    // The same run: the same outcome, to the second.
    const finished = (text: string) => /verified ([0-9T:.Z-]+)\)/.exec(text)?.[1];
    expect(finished(first.text)).toBeDefined();
    expect(finished(second.text)).toBe(finished(first.text));
    expect(await verificationsRecorded()).toBe(3);
  });
});
