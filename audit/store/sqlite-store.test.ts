import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSigner } from '../../test/helpers/audit-signer.ts';
import { createCheckpointSigner, type CheckpointSigner } from '../checkpoint.ts';
import { SqliteAuditStore } from './sqlite-store.ts';
import { verifyExport, type ExportLine } from '../verify.ts';
import type { AuditEvent } from '../types.ts';

let dir: string;
let signer: CheckpointSigner;
let caPem: string;
let forger: CheckpointSigner;
let counter = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-audit-'));
  ({ signer, caPem } = await createTestSigner(dir));
  ({ signer: forger } = await createTestSigner(dir, 'forger'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openStore(
  options: Partial<ConstructorParameters<typeof SqliteAuditStore>[0]> = {},
): SqliteAuditStore {
  return new SqliteAuditStore({
    path: join(dir, `audit-${++counter}.db`),
    instance: 'test',
    signer,
    checkpointEvery: 5,
    ...options,
  });
}

const event = (i: number): AuditEvent => ({
  type: 'lookup',
  requestId: `r${i}`,
  outcome: 'success',
  subject: 'ab'.repeat(32),
  purpose: 'pendaftaran-wp',
  reference: `REF-${i}`,
  elementsReleased: ['nik'],
});

async function filled(
  count: number,
  options: Partial<ConstructorParameters<typeof SqliteAuditStore>[0]> = {},
): Promise<SqliteAuditStore> {
  const store = openStore(options);
  await Promise.all(Array.from({ length: count }, (_, i) => store.append(event(i + 1))));
  return store;
}

const exportOf = (store: SqliteAuditStore): ExportLine[] => [
  ...store.exportLines({ sealWithFreshCheckpoint: true }),
];
const verify = (lines: ExportLine[]) =>
  verifyExport(lines, { caCertificatePem: caPem, requireFinalCheckpoint: true });
const recordIndex = (lines: ExportLine[], seq: number): number =>
  lines.findIndex((l) => l.kind === 'record' && l.record.seq === seq);

describe('SqliteAuditStore', () => {
  it('appends concurrently into one chain that verifies, with checkpoints every N records', async () => {
    const store = await filled(23);
    expect(store.size).toBe(23);
    expect(store.checkpoints().map((c) => c.treeSize)).toEqual([23]); // one batch: one checkpoint at its end
    const result = verify(exportOf(store));
    expect(result).toMatchObject({ ok: true, records: 23 });
    await store.close();
  });

  it('group-commits: concurrent appends share transactions', async () => {
    const store = openStore({ checkpointEvery: 1_000_000 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(event(i))));
    expect(store.size).toBe(200);
    expect(store.stats.records).toBe(200);
    expect(store.stats.commits).toBeLessThan(5);
    await store.close();
  });

  it('stores only what an audit event may carry, hashed subjects and no stray fields', async () => {
    const store = openStore();
    await store.append({
      ...event(1),
      ...({ nik: '6474015709900001', body: { nama: 'SITI' } } as object),
    });
    const [record] = [...store.records()];
    expect(record).toBeDefined();
    expect(JSON.stringify(record)).not.toMatch(/6474015709900001|SITI/);
    await store.close();
  });

  it('pages a search newest first: each page before the last one’s oldest, until none is left', async () => {
    const store = await filled(7);
    const seqs: number[][] = [];
    let before: number | undefined;
    for (;;) {
      const page = store.query({
        type: 'lookup',
        newest: true,
        limit: 3,
        ...(before === undefined ? {} : { before }),
      });
      seqs.push(page.items.map((r) => r.seq));
      if (page.next === null) break;
      before = page.next;
    }
    expect(seqs).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    expect(store.query({ requestId: 'r4', limit: 10 }).items.map((r) => r.seq)).toEqual([4]);
  });

  it('reopens where it left off and keeps one chain', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteAuditStore({ path, instance: 'test', signer });
    await first.append(event(1));
    await first.close();
    const second = new SqliteAuditStore({ path, instance: 'test', signer });
    await second.append(event(2));
    expect(second.size).toBe(2);
    expect(verify(exportOf(second))).toMatchObject({ ok: true, records: 2 });
    await second.close();
  });

  it('lets two processes append to one database (the CLI beside the gateway) without breaking the chain', async () => {
    const path = join(dir, 'two-writers.db');
    const gateway = new SqliteAuditStore({ path, instance: 'test', signer });
    const cli = new SqliteAuditStore({ path, instance: 'test', signer });
    for (let i = 0; i < 10; i++) await (i % 3 === 0 ? cli : gateway).append(event(i));
    expect(gateway.verify(caPem)).toMatchObject({ ok: true, records: 10 });
    await cli.close();
    await gateway.close();
  });

  it('fails the whole batch when the database is full, stays unhealthy, and recovers by itself', async () => {
    const store = await filled(3);
    // The page limit holds per connection: it must be set on the store's own (private) one.
    const connection = (store as unknown as { db: Database.Database }).db;
    const pages = connection.pragma('page_count', { simple: true }) as number;
    connection.pragma(`max_page_count = ${pages}`);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        store.append({ ...event(i), reference: `R${'x'.repeat(100)}${i}` }),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(store.healthy()).toBe(false);
    expect(store.size).toBe(3);
    connection.pragma('max_page_count = 1073741823');
    await store.append(event(99));
    expect(store.healthy()).toBe(true);
    expect(store.size).toBe(4);
    expect(store.verify(caPem)).toMatchObject({ ok: true, records: 4 });
    await store.close();
  });

  it('refuses UPDATE and DELETE of records, to administrators too', async () => {
    const store = await filled(3);
    store.checkpointIfBehind();
    const admin = new Database(store.path);
    expect(() => admin.prepare("UPDATE audit_records SET body = '{}' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => admin.prepare('DELETE FROM audit_records WHERE seq = 2').run()).toThrow(
      /retention anchor/,
    );
    admin.close();
    await store.close();
  });

  it('purges old records behind a signed anchor; what remains still verifies', async () => {
    let now = Date.parse('2024-01-01T00:00:00Z');
    const store = openStore({ now: () => now });
    for (let i = 1; i <= 12; i++) {
      await store.append(event(i));
      now += 86_400_000;
    }
    const before = store.freshCheckpoint();
    const { purged, throughSeq } = await store.purgeBefore(Date.parse('2024-01-06T00:00:00Z'), {
      detail: { retentionDays: 5 },
    });
    expect([purged, throughSeq]).toEqual([5, 5]);
    // The purge is recorded (range, tree head before, anchor root) under a checkpoint of its own.
    const records = [...store.records()];
    expect(records.map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    expect(records.at(-1)).toMatchObject({
      event: 'retention_purge',
      detail: {
        purged: 5,
        fromSeq: 1,
        throughSeq: 5,
        treeSizeBefore: 12,
        rootBefore: before.rootHash,
        anchorRoot: store.anchor()?.checkpoint.rootHash,
      },
    });
    expect(store.checkpoints().at(-1)?.treeSize).toBe(13);
    expect(store.verify(caPem)).toMatchObject({ ok: true, records: 8, unsealedRecords: 0 });
    await store.append(event(14));
    expect(verify(exportOf(store))).toMatchObject({ ok: true, records: 9 });
    await store.close();
  });

  describe('detects every tamper in an export, naming the first bad record', () => {
    const tamper = async (change: (lines: ExportLine[]) => ExportLine[]) => {
      const store = await filled(10, { checkpointEvery: 4 });
      // Checkpoints at 4 and 8 when appended one by one.
      const lines = change(exportOf(store));
      await store.close();
      return verify(lines);
    };
    const withRecord = (
      lines: ExportLine[],
      seq: number,
      edit: (r: Record<string, unknown>) => void,
    ): ExportLine[] =>
      lines.map((l) => {
        if (l.kind !== 'record' || l.record.seq !== seq) return l;
        const copy = JSON.parse(JSON.stringify(l.record)) as Record<string, unknown>;
        edit(copy);
        return { kind: 'record', record: copy } as unknown as ExportLine;
      });

    it('an untouched export verifies', async () => {
      expect(await tamper((l) => l)).toMatchObject({ ok: true, records: 10 });
    });
    it('a changed byte in a record', async () => {
      expect(
        await tamper((l) => withRecord(l, 4, (r) => (r['reference'] = 'REF-5'))),
      ).toMatchObject({
        ok: false,
        firstBadSeq: 4,
        reason: expect.stringContaining('altered') as string,
      });
    });
    it('a deleted middle record', async () => {
      expect(await tamper((l) => l.filter((_, i) => i !== recordIndex(l, 6)))).toMatchObject({
        ok: false,
        firstBadSeq: 6,
        reason: expect.stringContaining('missing') as string,
      });
    });
    it('deleted newest records', async () => {
      expect(
        await tamper((l) => l.filter((x) => !(x.kind === 'record' && x.record.seq >= 9))),
      ).toMatchObject({ ok: false, firstBadSeq: 9 });
    });
    it('reordered records', async () => {
      const result = await tamper((l) => {
        const a = recordIndex(l, 2);
        const b = recordIndex(l, 3);
        const copy = [...l];
        [copy[a], copy[b]] = [copy[b] as ExportLine, copy[a] as ExportLine];
        return copy;
      });
      expect(result).toMatchObject({ ok: false, firstBadSeq: 2 });
    });
    it('a record rewritten with its hash recomputed (the checkpoint catches it)', async () => {
      const { canonicalBody, hashCanonicalBody } = await import('../record.ts');
      const result = await tamper((l) => {
        // Rewrite record 10 consistently: new content, new hash. Only the signed checkpoint can tell.
        return withRecord(l, 10, (r) => {
          r['reference'] = 'FORGED';
          const { hash: _hash, ...body } = r;
          r['hash'] = hashCanonicalBody(canonicalBody(body as never));
        });
      });
      expect(result).toMatchObject({
        ok: false,
        firstBadSeq: 10,
        reason: expect.stringContaining('checkpoint') as string,
      });
    });
    it('a replaced checkpoint signature', async () => {
      const result = await tamper((l) =>
        l.map((x) =>
          x.kind === 'checkpoint' && x.checkpoint.treeSize === 10
            ? {
                kind: 'checkpoint',
                checkpoint: { ...x.checkpoint, signature: Buffer.alloc(70, 1).toString('base64') },
              }
            : x,
        ),
      );
      expect(result).toMatchObject({
        ok: false,
        firstBadSeq: 10,
        reason: 'the checkpoint signature does not verify',
      });
    });
    it('a forged key: everything re-signed by a key from another CA', async () => {
      const result = await tamper((l) =>
        l.map((x) => {
          if (x.kind === 'header') return { ...x, certificate: forger.certificatePem };
          if (x.kind === 'checkpoint')
            return { kind: 'checkpoint', checkpoint: forger.sign(x.checkpoint) };
          return x;
        }),
      );
      expect(result).toMatchObject({
        ok: false,
        firstBadSeq: 1,
        reason: 'the signing certificate was not issued by the trusted CA',
      });
    });
    it('a client certificate of the right CA used as signing key', async () => {
      const { readFileSync: read } = await import('node:fs');
      const { CertificateAuthority } = await import('../../certs/index.ts');
      const authority = await CertificateAuthority.open(join(dir, 'pki'));
      const files = await authority.issue({
        kind: 'client',
        id: 'app-x',
        role: 'app',
        basePath: join(dir, 'app-x'),
      });
      const { createCheckpointSigner } = await import('../checkpoint.ts');
      const rogue = createCheckpointSigner(
        read(files.keyPath),
        read(files.certificatePath, 'utf8'),
      );
      const result = await tamper((l) =>
        l.map((x) =>
          x.kind === 'header'
            ? { ...x, certificate: rogue.certificatePem }
            : x.kind === 'checkpoint'
              ? { kind: 'checkpoint', checkpoint: rogue.sign(x.checkpoint) }
              : x,
        ),
      );
      expect(result).toMatchObject({
        ok: false,
        reason: 'the signing certificate is not an audit signing certificate',
      });
    });
    it('a truncated line', async () => {
      const store = await filled(3);
      const text = [...store.exportLines({ sealWithFreshCheckpoint: true })]
        .map((l) => JSON.stringify(l))
        .join('\n');
      await store.close();
      const { parseExportLines } = await import('../verify.ts');
      const result = verifyExport(parseExportLines(text.slice(0, -20)), {
        caCertificatePem: caPem,
        requireFinalCheckpoint: true,
      });
      expect(result.ok).toBe(false);
    });
  });

  it('keeps appending while an export is half read (a slow client streaming it)', async () => {
    const store = await filled(1200, { checkpointEvery: 100_000 });
    const lines = store.exportLines({ sealWithFreshCheckpoint: true })[Symbol.iterator]();
    for (let i = 0; i < 700; i++) lines.next();
    await store.append(event(9999));
    const rest: ExportLine[] = [];
    for (let next = lines.next(); next.done !== true; next = lines.next()) rest.push(next.value);
    expect(rest.filter((l) => l.kind === 'record').at(-1)).toMatchObject({
      record: { seq: 1200 },
    });
    expect(verify(exportOf(store))).toMatchObject({ ok: true, records: 1201 });
    await store.close();
  });

  describe('signing key rotation', () => {
    it('old checkpoints verify with the retired certificate; a retired key signing after its successor does not', async () => {
      const { signer: first, caPem: ca, authority } = await createTestSigner(dir, 'rotation');
      const files = await authority.issue({
        kind: 'signing',
        id: 'gerbang-audit-2',
        role: 'audit',
        basePath: join(dir, 'rotation', 'audit-signing-2'),
      });
      const second = createCheckpointSigner(
        readFileSync(files.keyPath),
        readFileSync(files.certificatePath, 'utf8'),
      );
      const path = join(dir, 'rotated.db');
      const open = (current: CheckpointSigner, previous: CheckpointSigner[]) =>
        new SqliteAuditStore({
          path,
          instance: 'test',
          signer: current,
          previousCertificatesPem: previous.map((p) => p.certificatePem),
          checkpointEvery: 5,
        });
      const append = async (store: SqliteAuditStore, from: number, count: number) => {
        for (let i = from; i < from + count; i++) await store.append(event(i));
      };
      let store = open(first, []);
      await append(store, 1, 12);
      await store.close();

      // Rotated: the new key signs from now on, the old certificate stays in the exports.
      store = open(second, [first]);
      await append(store, 13, 8);
      expect(store.verify(ca)).toMatchObject({ ok: true, records: 20 });
      const lines = [...store.exportLines({ sealWithFreshCheckpoint: true })];
      expect(
        verifyExport(lines, { caCertificatePem: ca, requireFinalCheckpoint: true }),
      ).toMatchObject({ ok: true, records: 20 });
      await store.close();

      // Forgetting the retired certificate breaks the old checkpoints.
      store = open(second, []);
      expect(store.verify(ca)).toMatchObject({
        ok: false,
        reason: 'the checkpoint signature does not verify',
      });
      await store.close();

      // A leaked retired key cannot sign new checkpoints that pass.
      store = open(first, [second]);
      await append(store, 21, 5);
      expect(store.verify(ca)).toMatchObject({
        ok: false,
        reason: 'a checkpoint is signed with a retired key after its successor',
      });
      await store.close();
    });
  });

  it('exports a range that verifies on its own', async () => {
    const store = await filled(12, { checkpointEvery: 1000 });
    const lines = [...store.exportLines({ fromSeq: 5, toSeq: 9, sealWithFreshCheckpoint: true })];
    expect(verify(lines)).toMatchObject({ ok: true, records: 5 });
    expect(lines.filter((l) => l.kind === 'record').map((l) => l.record.seq)).toEqual([
      5, 6, 7, 8, 9,
    ]);
    await store.close();
  });

  it('writes nothing of a resident to the database or its WAL', async () => {
    const store = await filled(50);
    const bytes = Buffer.concat([readFileSync(store.path), readFileSync(`${store.path}-wal`)]);
    expect(bytes.includes(Buffer.from('6474015709900001'))).toBe(false);
    await store.close();
  });
});
