/**
 * The clerk portal in-process (issue 21, item 2): operator certificates only; pages without
 * script, never cached; a lookup shows exactly the granted elements and hands the NIK to the
 * return-data form by a ticket; card reads and IKD presentations as NIK sources, each used once;
 * every action audited as the API's, with how the NIK came. The browser suite
 * (test/portal.browser.test.ts) drives the same pages in Chromium over real TLS.
 */
import { describe, expect, it } from 'vitest';
import { GerbangIkdProfile } from '../../../adapters/ikd/index.ts';
import { readCardThroughGateway } from '../../../adapters/reader-agent/agent.ts';
import { SYSTEM_PRINCIPAL } from '../../services/index.ts';
import { ikdIssuerKeys, ikdPresentation } from '../../../test/helpers/ikd.ts';
import { buildTestApp } from '../../../test/helpers/in-process-app.ts';
import {
  canaryKtp,
  directCards,
  readerPki,
  samCard,
  samEnrolment,
} from '../../../test/helpers/readers.ts';

const CLERK = 'petugas-01/operator/app-pendaftaran';
const SITI = '6474015709900001';
/** Issued in Kabupaten Blora (Jawa Tengah), far from the agency's region (PKS 2(2)e). */
const BUDI = '3316010101850002';
const SAME_ORIGIN = {
  'sec-fetch-site': 'same-origin',
  accept: 'text/html',
  'content-type': 'application/x-www-form-urlencoded',
};
const keys = ikdIssuerKeys();

async function portalApp() {
  const ikd = new GerbangIkdProfile({
    issuerKeys: new Map([['ikd-test-1', keys.publicKey]]),
    maxClockSkewSeconds: 60,
    maxValiditySeconds: 300,
  });
  const app = await buildTestApp({ ikd });
  const post = (path: string, form: Record<string, string | string[]>, cn = CLERK) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form))
      for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    return app.request(cn, path, {
      method: 'POST',
      headers: SAME_ORIGIN,
      body: body.toString(),
      operator: null,
    });
  };
  return { ...app, post };
}

const ticketOf = (page: string): string => /name="ticket" value="([^"]+)"/.exec(page)?.[1] ?? '';
const lookupForm = (overrides: Record<string, string> = {}) => ({
  nik: SITI,
  purpose: 'pendaftaran-wp',
  reference: 'LOKET-1/2026',
  ...overrides,
});

describe('GET /portal/', () => {
  it('shows an operator the counter: quota, agreement, forms that remember no NIK, no script', async () => {
    const { request } = await portalApp();
    const response = await request(CLERK, '/portal/', { operator: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-/,
    );
    const page = await response.text();
    expect(page).not.toContain('<script');
    expect(page).toContain('petugas-01');
    expect(page).toContain('Sisa kuota hari ini');
    expect(page).toContain('400.12.4.3/9/DKPS/2025');
    expect(page).toMatch(/<form method="post" action="\/portal\/lookup"[^>]*autocomplete="off"/);
    expect(page).toMatch(/<input id="lookup-nik" name="nik"[^>]*autocomplete="off"/);
    expect(page).toContain('name="ikd"');
    for (const purpose of ['pendaftaran-wp', 'pemutakhiran-data', 'verifikasi-massal'])
      expect(page).toContain(`<option value="${purpose}">`);
  });

  it('refuses every other role with an HTML page with the code, whatever the client asks for', async () => {
    const { request } = await portalApp();
    for (const cn of ['officer-1', 'app-pendaftaran', 'admin-1', 'reader-01']) {
      const page = await request(cn, '/portal/', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(403);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await page.text();
      expect(text).toContain('role="alert"');
      expect(text).toContain('forbidden');
      // A page address answers with a page even to a program; the API answers programs in JSON.
      const program = await request(cn, '/portal/');
      expect(program.status).toBe(403);
      expect(program.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await program.text()).toContain('<code>forbidden</code>');
    }
  });
});

describe('POST /portal/lookup and /portal/return-data', () => {
  it('looks up, shows the granted elements, and queues the return data by the ticket, once', async () => {
    const { post, audit, outbox } = await portalApp();
    const response = await post('/portal/lookup', lookupForm());
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    expect(page).toContain('SITI KENARI RAHAYU');
    expect(page).toContain('JL. KENARI NO. 7');
    expect(page).not.toContain('ISLAM'); // never beyond the nine elements
    expect(page).not.toContain(`value="${SITI}"`); // the form carries a ticket, not the NIK
    expect(audit.events.at(-1)).toMatchObject({
      type: 'lookup',
      outcome: 'success',
      operator: 'petugas-01',
      principal: { id: 'app-pendaftaran', role: 'operator' },
      reference: 'LOKET-1/2026',
      detail: { operatorAuthentication: 'certificate', via: 'portal', intake: 'typed' },
    });

    const ticket = ticketOf(page);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const submit = () =>
      post('/portal/return-data', {
        ticket,
        npwpd: '0001.07.02',
        reference: 'LOKET-1/2026',
        jenis_pajak: ['PBB_P2', 'BPHTB'],
      });
    const queued = await submit();
    expect(queued.status).toBe(200);
    expect(await queued.text()).toContain('Data balikan diterima');
    expect(outbox.due(Date.now() + 86_400_000, 10).map((d) => d.jenisPajak)).toEqual([
      ['PBB_P2', 'BPHTB'],
    ]);
    expect(audit.events.at(-1)).toMatchObject({
      type: 'return_data',
      event: 'submitted',
      outcome: 'success',
      operator: 'petugas-01',
      detail: { via: 'portal', intake: 'lookup', jenisPajak: 'PBB_P2,BPHTB' },
    });
    const again = await submit();
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('intake_expired');
  });

  it('refuses a return-data form with a tax the agency does not levy, or another clerk’s ticket', async () => {
    const { post } = await portalApp();
    const ticket = ticketOf(await (await post('/portal/lookup', lookupForm())).text());
    const notLevied = await post('/portal/return-data', {
      ticket,
      npwpd: '0001.07.02',
      reference: 'R-1',
      jenis_pajak: 'PKB',
    });
    expect(notLevied.status).toBe(400);
    expect(await notLevied.text()).toContain('jenis_pajak_not_levied');
    const other = await post(
      '/portal/return-data',
      { ticket, npwpd: '0001.07.02', reference: 'R-1', jenis_pajak: 'PBB_P2' },
      'petugas-02/operator/app-pendaftaran',
    );
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('intake_expired');
  });

  it('serves a NIK issued far from the agency exactly as a local one (PKS 2(2)e)', async () => {
    const { post } = await portalApp();
    const page = await (await post('/portal/lookup', lookupForm({ nik: BUDI }))).text();
    expect(page).toContain('BUDI MERPATI SANTOSO');
    expect(page).toContain('KABUPATEN BLORA');
  });

  it('shows a refusal on the page again, with its code, and never echoes the NIK', async () => {
    const { post } = await portalApp();
    const missing = await post('/portal/lookup', lookupForm({ nik: '6474010101010009' }));
    expect(missing.status).toBe(404);
    const page = await missing.text();
    expect(page).toMatch(/role="alert"[\s\S]*nik_not_found/);
    expect(page).toContain('action="/portal/lookup"');
    expect(page).not.toContain('6474010101010009');
    const purpose = await post('/portal/lookup', lookupForm({ purpose: 'pembayaran' }));
    expect(purpose.status).toBe(403);
    expect(await purpose.text()).toContain('purpose_not_allowed');
    const two = await post('/portal/lookup', lookupForm({ ikd: 'IKD1.x.y' }));
    expect(two.status).toBe(400);
    expect(await two.text()).toContain('Isi tepat satu');
  });

  it('refuses a post from another site, and one by GET carries nothing', async () => {
    const { request } = await portalApp();
    const crossSite = await request(CLERK, '/portal/lookup', {
      method: 'POST',
      headers: { ...SAME_ORIGIN, 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams(lookupForm()).toString(),
      operator: null,
    });
    expect(crossSite.status).toBe(403);
    const byGet = await request(CLERK, `/portal/lookup?nik=${SITI}`, { operator: null });
    expect(byGet.status).toBe(404);
  });
});

describe('POST /portal/verify', () => {
  it('answers match or not per declared element, and nothing else', async () => {
    const { post, audit } = await portalApp();
    const response = await post('/portal/verify', {
      nik: SITI,
      purpose: 'pendaftaran-wp',
      reference: 'LOKET-2/2026',
      'claim.nama_lengkap': 'Siti Kenari Rahayu',
      'claim.tanggal_lahir': '1990-09-17',
      'claim.tempat_lahir': 'SAMARINDA',
      'claim.no_kk': '',
    });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toMatch(/data-element="nama_lengkap">Sesuai/);
    expect(page).toMatch(/data-element="tanggal_lahir">Sesuai/);
    expect(page).toMatch(/data-element="tempat_lahir">Tidak sesuai/);
    expect(page).not.toContain('data-element="no_kk"');
    expect(page).not.toContain('BONTANG');
    expect(audit.events.at(-1)).toMatchObject({
      type: 'verify',
      outcome: 'success',
      operator: 'petugas-01',
      detail: { via: 'portal', claimed: 'nama_lengkap,tanggal_lahir,tempat_lahir' },
    });
  });
});

describe('NIK intake', () => {
  it('takes an IKD presentation typed by the scanner once; a replay is refused', async () => {
    const { post, deps, audit } = await portalApp();
    const presentation = ikdPresentation({
      nik: BUDI,
      key: keys.privateKey,
      keyId: 'ikd-test-1',
      now: new Date(deps.now()),
    });
    const first = await post('/portal/lookup', {
      ikd: presentation,
      purpose: 'pendaftaran-wp',
      reference: 'IKD-1',
    });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('BUDI MERPATI SANTOSO');
    expect(audit.events.at(-1)).toMatchObject({
      detail: { intake: 'ikd', ikdKey: 'ikd-test-1' },
    });
    const replay = await post('/portal/lookup', {
      ikd: presentation,
      purpose: 'pendaftaran-wp',
      reference: 'IKD-1',
    });
    expect(replay.status).toBe(400);
    const page = await replay.text();
    expect(page).toContain('ikd_invalid');
    expect(page).toContain('sudah dipakai');
    expect(page).not.toContain(presentation);
    const forged = await post('/portal/lookup', {
      ikd: `${presentation.slice(0, -4)}AAAA`,
      purpose: 'pendaftaran-wp',
      reference: 'IKD-2',
    });
    expect(forged.status).toBe(400);
  });

  it('lists the card reads the clerk’s reader agent sent for the portal, by the NIK’s last digits, picked once', async () => {
    const app = await portalApp();
    const pki = await readerPki();
    const context = { principal: SYSTEM_PRINCIPAL, now: app.deps.now() };
    await app.deps.policy.admin.enrolReader(context, {
      id: 'reader-01',
      ...samEnrolment(pki.sam.cert),
    });
    await app.deps.policy.admin.changeReader(context, {
      id: 'reader-01',
      action: 'activate',
      reason: 'test',
    });
    const read = (forPortal: boolean) =>
      readCardThroughGateway(directCards(canaryKtp(pki.issuerKey), samCard(pki.sam)), {
        send: async (path, body) => {
          const response = await app.request('reader-01', `/v1/readers/reader-01/${path}`, {
            method: 'POST',
            ...(body === undefined ? {} : { json: body }),
            operator: 'petugas-01',
          });
          return { status: response.status, body: await response.json() };
        },
        readerId: 'reader-01',
        purpose: 'pendaftaran-wp',
        reference: 'LOKET-3/2026',
        forPortal,
      });
    expect((await read(false)).status).toBe(200);
    const none = await (await app.request(CLERK, '/portal/', { operator: null })).text();
    expect(none).not.toContain('name="cardRead"');
    expect((await read(true)).status).toBe(200);
    const listed = await (await app.request(CLERK, '/portal/', { operator: null })).text();
    expect(listed).toContain('reader-01');
    expect(listed).toContain('NIK …0001');
    expect(listed).not.toContain(SITI);
    // Another clerk does not see it.
    const other = await app.request('petugas-02/operator/app-pendaftaran', '/portal/', {
      operator: null,
    });
    expect(await other.text()).not.toContain('name="cardRead"');
    const id = /name="cardRead" value="([^"]+)"/.exec(listed)?.[1] ?? '';
    const picked = await app.post('/portal/lookup', {
      cardRead: id,
      purpose: 'pendaftaran-wp',
      reference: 'LOKET-3/2026',
    });
    expect(picked.status).toBe(200);
    expect(await picked.text()).toContain('SITI KENARI RAHAYU');
    expect(app.audit.events.at(-1)).toMatchObject({ detail: { intake: 'card_read' } });
    const twice = await app.post('/portal/lookup', {
      cardRead: id,
      purpose: 'pendaftaran-wp',
      reference: 'LOKET-3/2026',
    });
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain('intake_expired');
  });
});
