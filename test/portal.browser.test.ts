/**
 * The clerk portal in a real headless Chromium, over real mTLS with the clerk's own operator
 * certificate (the PKCS#12 the demo writes for the browser), against `gerbang serve` as a child
 * process: a lookup with its return data (delivered to the simulator's data balikan), a
 * verification, a NIK from a KTP-el read by the clerk's reader agent and one from an IKD QR code
 * typed by a keyboard-wedge scanner; other roles refused with a page; a clerk issued and revoked
 * with the CLI refused at the next request of a session already open; an app refused where its
 * profile requires authenticated operators. Screenshots go to test-artifacts/portal/. Afterwards
 * nothing the instance wrote holds a canary resident.
 */
import { once } from 'node:events';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { httpsSender, readCardThroughGateway } from '../adapters/reader-agent/agent.ts';
import { DEMO_IKD_KEY_ID } from '../gateway/config/demo.ts';
import type { GerbangConfig } from '../gateway/config/index.ts';
import { clientCredentials } from '../gateway/config/instance.ts';
import {
  browserSuite,
  chromiumInstalled,
  contextWithCertificate,
  submit,
} from './helpers/browser.ts';
import { canaryTracesIn, filesUnder, ROOT, spawnGerbang } from './helpers/child-gateway.ts';
import { ikdPresentation } from './helpers/ikd.ts';
import { canaryKtp, directCards, samCard } from './helpers/readers.ts';
import { describeWithTools } from './helpers/tools.ts';
import { eventually } from './helpers/until.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts/portal');
const SITI = '6474015709900001';
/** Issued in Kabupaten Blora (Jawa Tengah), far from the agency in Bontang (PKS 2(2)e). */
const BUDI = '3316010101850002';

const contexts = new Map<string, BrowserContext>();
const pki = (file: string): string => join(started().dir, 'pki', file);

/**
 * app-kasir requires authenticated operators: its own certificate may no longer name one. Idle
 * connections are kept a minute (a clerk's browser session), so that the revocation test's
 * connection outlives the CLI run that revokes it.
 */
const adjustConfig = (config: GerbangConfig): GerbangConfig => {
  const kasir = config.principals['app-kasir'];
  if (kasir?.profile === undefined) throw new Error('demo without app-kasir');
  return {
    ...config,
    server: { ...config.server, keepAliveTimeoutMs: 60_000 },
    principals: {
      ...config.principals,
      'app-kasir': { ...kasir, profile: { ...kasir.profile, requireAuthenticatedOperators: true } },
    },
  };
};

const suite = browserSuite({
  artifacts: ARTIFACTS,
  healthAs: 'officer-1',
  adjust: adjustConfig,
  // reader-01 with the demo SAM, enrolled and switched on by the administrator.
  prepare: async (instance) => {
    const admin = instance.agent('admin-1');
    const enrolled = await post(admin, '/v1/admin/readers', {
      readerId: 'reader-01',
      samCertificate: readFileSync(pki('sam-ca/demo-sam.crt'), 'utf8'),
    });
    expect(enrolled.status).toBe(201);
    const activated = await post(admin, '/v1/admin/readers/reader-01/activate', {
      reason: 'loket 1',
    });
    expect(activated.status).toBe(204);
  },
});
const started = suite.instance;

/** A context of the clerk `id`, with the PKCS#12 and password file `certs issue` wrote. */
async function clerk(id: string): Promise<BrowserContext> {
  let context = contexts.get(id);
  if (context === undefined) {
    const browser = suite.browser();
    if (browser === undefined) throw new Error('the browser did not start');
    context = await contextWithCertificate(browser, started().url, {
      pfxPath: pki(`clients/${id}.p12`),
      passphrase: readFileSync(pki(`clients/${id}.p12.password`), 'utf8').trim(),
    });
    contexts.set(id, context);
  }
  return context;
}

async function counter(id = 'petugas-01'): Promise<Page> {
  const page = await (await clerk(id)).newPage();
  const response = await page.goto(`${started().url}/portal/`);
  expect(response?.status()).toBe(200);
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Runs `gerbang …` on the instance to its end; its exit code. */
async function gerbang(args: string[]): Promise<number | null> {
  const child = spawnGerbang(args, started().dir, { stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function post(agent: Agent, path: string, body: unknown, headers = {}) {
  const response = await request(`${started().url}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: () => JSON.parse(text) as unknown };
}

describeWithTools('the clerk portal in a real Chromium', { chromium: chromiumInstalled() }, () => {
  suite.hooks();

  describe('at the counter', () => {
    it('shows the clerk the quota, the agreement and the forms', async () => {
      const page = await counter();
      const text = await page.textContent('main');
      expect(text).toContain('Sisa kuota hari ini');
      expect(text).toContain('400.12.4.3/9/DKPS/2025');
      expect(text).toContain('hari lagi / days left');
      expect(await page.getAttribute('#lookup-nik', 'autocomplete')).toBe('off');
      await shot(page, 'portal-counter');
    });

    it('looks a resident up and submits the return data, which reaches Dukcapil', async () => {
      const page = await counter();
      await page.fill('#lookup-nik', SITI);
      await page.selectOption('#lookup-purpose', 'pendaftaran-wp');
      await page.fill('#lookup-reference', 'LOKET-1/2026');
      await submit(page, /Look up/);
      expect(page.url()).toBe(`${started().url}/portal/lookup`);
      expect(await page.textContent('[data-element="nama_lengkap"]')).toBe('SITI KENARI RAHAYU');
      expect(await page.textContent('main')).not.toContain('ISLAM');
      await shot(page, 'portal-lookup');

      await page.fill('#npwpd', '0001.07.02');
      await page.check('#tax-PBB_P2');
      await page.check('#tax-BPHTB');
      await submit(page, /Submit return data/);
      expect(page.url()).toBe(`${started().url}/portal/return-data`);
      expect(await page.textContent('[role="status"]')).toContain('PBB_P2, BPHTB');
      await shot(page, 'portal-return-data');
      // Delivered by the worker to the simulator's data balikan, as from the API.
      await eventually(
        async () => {
          const response = await request(`${started().simulator.url}/__sim/data-balikan`);
          const { items } = (await response.body.json()) as {
            items: { nik: string; npwpd: string; jenis_pajak: string[] }[];
          };
          return items.some((item) => item.nik === SITI && item.npwpd === '0001.07.02');
        },
        { what: 'the return data to reach the simulator' },
      );
      // Nothing of the resident in the history: every page came from a POST to a fixed path.
      const history = await page.evaluate('JSON.stringify([location.href, document.referrer])');
      expect(history).not.toContain(SITI);
    });

    it('verifies what a resident from another province declared, served as anyone else', async () => {
      const page = await counter();
      await page.fill('#verify-nik', BUDI);
      await page.fill('#claim-nama_lengkap', 'Budi Merpati Santoso');
      await page.fill('#claim-tempat_lahir', 'BONTANG');
      await page.fill('#verify-reference', 'LOKET-2/2026');
      await submit(page, /Verify/);
      expect(await page.textContent('[data-element="nama_lengkap"]')).toContain('Sesuai');
      expect(await page.textContent('[data-element="tempat_lahir"]')).toContain('Tidak sesuai');
      expect(await page.textContent('main')).not.toContain('BLORA');
      await shot(page, 'portal-verify');
    });

    it('takes the NIK from the KTP-el the clerk’s reader agent just read', async () => {
      const reader = new Agent({ connect: clientCredentials(pki(''), 'reader-01') });
      const answer = await readCardThroughGateway(
        directCards(
          canaryKtp(readFileSync(pki('ktp-issuer/ca.key'), 'utf8')),
          samCard({
            cert: readFileSync(pki('sam-ca/demo-sam.crt'), 'utf8'),
            key: readFileSync(pki('sam-ca/demo-sam.key'), 'utf8'),
          }),
        ),
        {
          send: httpsSender({
            gatewayUrl: started().url,
            dispatcher: reader,
            readerId: 'reader-01',
            operator: 'petugas-01',
          }),
          readerId: 'reader-01',
          purpose: 'pendaftaran-wp',
          reference: 'LOKET-3/2026',
          forPortal: true,
        },
      );
      await reader.close();
      expect(answer.status).toBe(200);
      const page = await counter();
      const waiting = page.locator('#lookup-card-0');
      expect(await page.textContent('label[for="lookup-card-0"]')).toContain('NIK …0001');
      expect(await page.textContent('main')).not.toContain(SITI);
      await shot(page, 'portal-card-read');
      await waiting.check();
      await page.fill('#lookup-reference', 'LOKET-3/2026');
      await submit(page, /Look up/);
      expect(await page.textContent('[data-element="nama_lengkap"]')).toBe('SITI KENARI RAHAYU');
    });

    it('takes the NIK from an IKD QR code typed by the scanner, and refuses it a second time', async () => {
      const presentation = ikdPresentation({
        nik: BUDI,
        key: createPrivateKey(readFileSync(pki(`ikd-issuer/${DEMO_IKD_KEY_ID}.key`), 'utf8')),
        keyId: DEMO_IKD_KEY_ID,
        now: new Date(),
      });
      const scan = async (page: Page) => {
        await page.fill('#lookup-reference', 'IKD-1/2026');
        await page.focus('#lookup-ikd');
        // A keyboard-wedge scanner types the code and presses Enter, which submits the form.
        await Promise.all([
          page.waitForEvent('load'),
          page.keyboard.type(`${presentation}\n`, { delay: 0 }),
        ]);
      };
      const page = await counter();
      await scan(page);
      expect(await page.textContent('[data-element="nama_lengkap"]')).toBe('BUDI MERPATI SANTOSO');
      await shot(page, 'portal-ikd');
      const again = await counter();
      await scan(again);
      expect(await again.textContent('[role="alert"]')).toContain('ikd_invalid');
      await shot(again, 'portal-ikd-replayed');
    });
  });

  describe('who may use it', () => {
    it('refuses an officer with a page that names the code', async () => {
      const browser = suite.browser();
      if (browser === undefined) throw new Error('no browser');
      const context = await contextWithCertificate(browser, started().url, {
        certPath: pki('clients/officer-1.crt'),
        keyPath: pki('clients/officer-1.key'),
      });
      const page = await context.newPage();
      const response = await page.goto(`${started().url}/portal/`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent('[role="alert"]')).toContain('forbidden');
      await shot(page, 'portal-refused');
      await context.close();
    });

    it('refuses a clerk revoked mid-session at the next request, in the browser and on a kept connection', async () => {
      const issued = await gerbang([
        'certs',
        'issue',
        '--role',
        'operator',
        '--client',
        'app-pendaftaran',
        '--id',
        'petugas-02',
      ]);
      expect(issued).toBe(0);
      const page = await counter('petugas-02');
      const kept = new Agent({ connect: clientCredentials(pki(''), 'petugas-02') });
      let connections = 0;
      kept.on('connect', () => connections++);
      const lookup = () =>
        post(kept, '/v1/nik/lookup', {
          nik: SITI,
          purpose: 'pendaftaran-wp',
          reference: 'LOKET-4/2026',
        });
      expect((await lookup()).status).toBe(200);

      expect(await gerbang(['certs', 'revoke', '--id', 'petugas-02'])).toBe(0);
      // Until the gateway applied the new CRL, seen on a connection of its own.
      const probe = new Agent({ connect: clientCredentials(pki(''), 'petugas-02') });
      await eventually(
        async () => {
          const response = await request(`${started().url}/healthz`, { dispatcher: probe });
          await response.body.dump();
          return response.statusCode === 401;
        },
        { what: 'the gateway to apply the CRL revoking petugas-02' },
      );
      await probe.close();
      const refused = await lookup();
      expect(refused.status).toBe(401);
      expect(connections).toBe(1);
      await kept.close();
      const reloaded = await page.reload();
      expect(reloaded?.status()).toBe(401);
      expect(await page.textContent('[role="alert"]')).toContain('unauthenticated');
      await shot(page, 'portal-revoked');
    });

    it('refuses an app whose profile requires authenticated operators, when it asserts one', async () => {
      const kasir = started().agent('app-kasir');
      const refused = await post(
        kasir,
        '/v1/nik/lookup',
        { nik: SITI, purpose: 'pembayaran', reference: 'KASIR-1' },
        { 'x-operator-id': 'kasir.01' },
      );
      expect(refused.status).toBe(403);
      expect((refused.json() as { error: { code: string } }).error.code).toBe(
        'operator_not_authenticated',
      );
    });
  });

  it('leaves no trace of a canary resident in anything the instance wrote', () => {
    const traces = filesUnder(started().dir).flatMap((file) =>
      canaryTracesIn(file).map((canary) => `${file}: ${canary}`),
    );
    expect(traces).toEqual([]);
  });
});
