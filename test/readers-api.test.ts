/** Card reads through the real application with virtual cards as direct channels (no pcscd). */
import { describe, expect, it } from 'vitest';
import { readCardThroughGateway } from '../adapters/reader-agent/agent.ts';
import { SYSTEM_PRINCIPAL } from '../gateway/services/index.ts';
import { buildTestApp } from './helpers/in-process-app.ts';
import {
  canaryKtp,
  directCards,
  inProcessSender,
  readerPki,
  samCard,
  samEnrolment,
} from './helpers/readers.ts';
import { CANARY_SITI_RELEASED } from './fixtures/canary.ts';
import type { GerbangConfig } from '../gateway/config/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../gateway/config/demo.ts';

const END = Date.parse('2027-02-11T16:00:00.000Z');

async function withReader(options: { sam?: 'sam' | 'otherSam' } = {}) {
  const config: GerbangConfig = structuredClone(demoConfig(0, 0, DEMO_AGREEMENT.signedOn));
  config.principals['reader-02'] = structuredClone(
    config.principals['reader-01'] ?? { role: 'reader' },
  );
  const app = await buildTestApp({ config });
  const pki = await readerPki();
  const context = { principal: SYSTEM_PRINCIPAL, now: app.deps.now() };
  await app.deps.policy.admin.enrolReader(context, {
    id: 'reader-01',
    ...samEnrolment(pki[options.sam ?? 'sam'].cert),
  });
  await app.deps.policy.admin.changeReader(context, {
    id: 'reader-01',
    action: 'activate',
    reason: 'test',
  });
  await app.deps.policy.admin.enrolReader(context, {
    id: 'reader-02',
    ...samEnrolment(pki.otherSam.cert),
  });
  await app.deps.policy.admin.changeReader(context, {
    id: 'reader-02',
    action: 'activate',
    reason: 'test',
  });
  return { app, pki };
}

const read = (
  app: Awaited<ReturnType<typeof buildTestApp>>,
  cards: Parameters<typeof readCardThroughGateway>[0],
  readerCn = 'reader-01',
  readerId = readerCn,
) =>
  readCardThroughGateway(cards, {
    send: inProcessSender(app.request, readerCn, readerId),
    readerId,
    purpose: 'pelayanan-loket',
    reference: 'LOKET-1/2026',
  });
/** An administrator's change of reader-01 through the admin API. */
const changeReader = (
  app: Awaited<ReturnType<typeof buildTestApp>>,
  action: 'activate' | 'deactivate' | 'blacklist',
  reason: string,
) =>
  app.request('admin-1', `/v1/admin/readers/reader-01/${action}`, {
    method: 'POST',
    json: { reason },
  });
const code = (answer: { status: number; body: unknown }): [number, string] => [
  answer.status,
  (answer.body as { error?: { code: string } }).error?.code ?? 'ok',
];

describe('card reads', () => {
  it('a genuine reader with its SAM and a genuine card gets the granted elements, audited as a card read', async () => {
    const { app, pki } = await withReader();
    const answer = await read(app, directCards(samCard(pki.sam), canaryKtp(pki.issuerKey)));
    expect(answer.status).toBe(200);
    expect((answer.body as { data: unknown }).data).toEqual(CANARY_SITI_RELEASED);
    const record = app.audit.events.find((e) => e.type === 'card_read');
    expect(record).toMatchObject({
      outcome: 'success',
      readerId: 'reader-01',
      principal: { id: 'reader-01', role: 'reader' },
      operator: 'petugas.01',
      elementsReleased: expect.arrayContaining(['nik', 'alamat']) as unknown,
    });
    expect(JSON.stringify(app.audit.events)).not.toMatch(/6474015709900001|SITI/);
  });

  it('a SAM with an unknown key → 403 reader_proof_invalid', async () => {
    const { app, pki } = await withReader();
    const impostor = samCard({ cert: pki.sam.cert, key: pki.otherSam.key });
    expect(code(await read(app, directCards(impostor, canaryKtp(pki.issuerKey))))).toEqual([
      403,
      'reader_proof_invalid',
    ]);
  });

  it('a SAM whose certificate is from another CA → 403 reader_proof_invalid', async () => {
    const { app, pki } = await withReader();
    expect(
      code(await read(app, directCards(samCard(pki.foreignSam), canaryKtp(pki.issuerKey)))),
    ).toEqual([403, 'reader_proof_invalid']);
  });

  it('a genuine SAM that is not the one enrolled for this reader → 403 reader_proof_invalid', async () => {
    const { app, pki } = await withReader();
    expect(
      code(await read(app, directCards(samCard(pki.otherSam), canaryKtp(pki.issuerKey)))),
    ).toEqual([403, 'reader_proof_invalid']);
  });

  it('a replayed nonce → 409 nonce_used', async () => {
    const { app, pki } = await withReader();
    const sent: unknown[] = [];
    const send = inProcessSender(app.request, 'reader-01');
    const recording: typeof send = async (path, body) => {
      if (path === 'card-reads') sent.push(body);
      return send(path, body);
    };
    const cards = directCards(samCard(pki.sam), canaryKtp(pki.issuerKey));
    expect(
      (
        await readCardThroughGateway(cards, {
          send: recording,
          readerId: 'reader-01',
          purpose: 'pelayanan-loket',
          reference: 'R-1',
        })
      ).status,
    ).toBe(200);
    expect(code(await send('card-reads', sent[0]))).toEqual([409, 'nonce_used']);
  });

  it('another reader’s nonce → 403 reader_proof_invalid', async () => {
    const { app, pki } = await withReader();
    const other = await inProcessSender(app.request, 'reader-02')('challenge');
    const nonce = (other.body as { nonce: string }).nonce;
    const send = inProcessSender(app.request, 'reader-01');
    const hijack: typeof send = async (path, body) =>
      path === 'challenge' ? { status: 200, body: { nonce } } : send(path, body);
    const answer = await readCardThroughGateway(
      directCards(samCard(pki.sam), canaryKtp(pki.issuerKey)),
      { send: hijack, readerId: 'reader-01', purpose: 'pelayanan-loket', reference: 'R-1' },
    );
    expect(code(answer)).toEqual([403, 'reader_proof_invalid']);
  });

  it('a card whose biodata no longer matches the issuer signature → 400 invalid_card', async () => {
    const { app, pki } = await withReader();
    expect(
      code(
        await read(
          app,
          directCards(samCard(pki.sam), canaryKtp(pki.issuerKey, '6474015709900001', true)),
        ),
      ),
    ).toEqual([400, 'invalid_card']);
  });

  it('a reader posting for another reader id → 403 forbidden', async () => {
    const { app, pki } = await withReader();
    expect(
      code(
        await read(
          app,
          directCards(samCard(pki.sam), canaryKtp(pki.issuerKey)),
          'reader-01',
          'reader-02',
        ),
      ),
    ).toEqual([403, 'forbidden']);
  });

  it('a deactivated reader → 403 reader_not_active, and an administrator can bring it back', async () => {
    const { app, pki } = await withReader();
    const cards = directCards(samCard(pki.sam), canaryKtp(pki.issuerKey));
    expect((await changeReader(app, 'deactivate', 'counter closed')).status).toBe(204);
    expect(code(await read(app, cards))).toEqual([403, 'reader_not_active']);
    expect((await changeReader(app, 'activate', 'counter open')).status).toBe(204);
    expect((await read(app, cards)).status).toBe(200);
    expect((await changeReader(app, 'blacklist', 'stolen')).status).toBe(204);
    expect(code(await read(app, cards))).toEqual([403, 'reader_not_active']);
    expect((await changeReader(app, 'activate', 'found')).status).toBe(409);
  });

  it('the agreement ending mid-session: refused, every reader deactivated, reactivation refused until a new agreement', async () => {
    const { app, pki } = await withReader();
    const cards = directCards(samCard(pki.sam), canaryKtp(pki.issuerKey));
    const send = inProcessSender(app.request, 'reader-01');
    app.setNow(END - 5_000); // the challenge comes five seconds before the end
    let switched = false;
    const acrossTheBoundary: typeof send = async (path, body) => {
      if (path === 'card-reads' && !switched) {
        switched = true;
        app.setNow(END + 1_000); // the card read one second after it
      }
      return send(path, body);
    };
    const answer = await readCardThroughGateway(cards, {
      send: acrossTheBoundary,
      readerId: 'reader-01',
      purpose: 'pelayanan-loket',
      reference: 'R-1',
    });
    expect(code(answer)).toEqual([403, 'agreement_inactive']);
    expect(
      await app.deps.policy.admin.deactivateAllReaders(
        { principal: SYSTEM_PRINCIPAL, now: END },
        'agreement expired',
      ),
    ).toBe(2);
    expect(app.deps.policy.admin.listReaders().map((r) => `${r.id}:${r.state}`)).toEqual([
      'reader-01:deactivated',
      'reader-02:deactivated',
    ]);
    expect((await changeReader(app, 'activate', 'again')).status).toBe(409);
    expect(
      app.audit.events
        .filter((e) => e.event === 'reader_deactivated')
        .map((e) => e.detail?.['reason']),
    ).toEqual(['agreement expired', 'agreement expired']);
  });
});

describe('reader administration', () => {
  it('enrols a reader with a SAM of the SAM CA only, and lists it', async () => {
    const app = await buildTestApp();
    const pki = await readerPki();
    const refused = await app.request('admin-1', '/v1/admin/readers', {
      method: 'POST',
      json: { readerId: 'reader-01', samCertificate: pki.foreignSam.cert },
    });
    expect(refused.status).toBe(403);
    const enrolled = await app.request('admin-1', '/v1/admin/readers', {
      method: 'POST',
      json: { readerId: 'reader-01', samCertificate: pki.sam.cert },
    });
    expect(enrolled.status).toBe(201);
    const list = (await (await app.request('admin-1', '/v1/admin/readers')).json()) as {
      items: { id: string; state: string }[];
    };
    expect(list.items).toMatchObject([{ id: 'reader-01', state: 'enrolled' }]);
    expect(
      (
        await app.request('admin-1', '/v1/admin/readers', {
          method: 'POST',
          json: { readerId: 'app-kasir', samCertificate: pki.sam.cert },
        })
      ).status,
    ).toBe(400);
  });
});
