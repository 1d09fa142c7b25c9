/**
 * The gateway's view of the CRL (CrlFile): a revocation applies at the first check a second or
 * more after the last one, and not before; an unreadable CRL leaves every status unknown; a CRL
 * older than one applied (by this process, or by any before it as the mark store remembers) is
 * refused; one past nextUpdate plus the grace is unusable. The clocks are the test's own, so that
 * no test waits for the second to pass or for a CRL to age.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileTempDir } from '../test/helpers/temp-dir.ts';
import { CertificateAuthority } from './authority.ts';
import { issueCrl } from './crl.ts';
import { fromPem, toPem } from './pem.ts';
import {
  compareCrlMarks,
  CrlFile,
  type CrlMark,
  type CrlMarkStore,
  type CrlFileOptions,
} from './revocation.ts';
import { parseCertificateDer } from './x509.ts';
import { importPrivateKey } from './engine.ts';

const DAY = 86_400_000;
const dir = fileTempDir('gerbang-revocation-');
let authority: CertificateAuthority;
beforeAll(async () => {
  authority = await CertificateAuthority.create(join(dir, 'pki'));
});

const crlPath = () => CertificateAuthority.paths(authority.directory).crl;
const issuerCertificate = () =>
  parseCertificateDer(
    fromPem(
      readFileSync(CertificateAuthority.paths(authority.directory).caCertificate, 'utf8'),
      'CERTIFICATE',
    ),
  );

/** A mark store in memory, as state.db would keep it across restarts. */
function memoryMarks(): CrlMarkStore & { marks: Map<string, CrlMark>; failing: boolean } {
  const marks = new Map<string, CrlMark>();
  const store = {
    marks,
    failing: false,
    highestCrl(issuer: string) {
      if (store.failing) throw new Error('state.db cannot be used');
      return marks.get(issuer);
    },
    recordHighestCrl(issuer: string, mark: CrlMark) {
      if (store.failing) throw new Error('state.db cannot be used');
      const stored = marks.get(issuer);
      if (stored === undefined || compareCrlMarks(mark, stored) > 0) marks.set(issuer, mark);
    },
  };
  return store;
}

/** A CrlFile over the authority's CRL (or `path`) whose clocks only move when the test says. */
function crlFile(
  path = crlPath(),
  options: Omit<CrlFileOptions, 'now' | 'wallClock' | 'onError' | 'onStoreError'> = {},
) {
  const clock = { now: 1_000_000, wall: Date.now() };
  const errors: string[] = [];
  const storeErrors: string[] = [];
  const file = new CrlFile(path, issuerCertificate(), {
    ...options,
    onError: (reason) => errors.push(reason),
    onStoreError: (reason) => storeErrors.push(reason),
    now: () => clock.now,
    wallClock: () => clock.wall,
  });
  return { file, clock, errors, storeErrors };
}

async function issuedSerial(id: string): Promise<string> {
  await authority.issue({ kind: 'client', id, role: 'app' });
  return authority.readIndex().issued.at(-1)?.serial ?? '';
}

/** A CRL signed by the authority's key with the given fields, written to `path`. */
async function writeCrl(
  path: string,
  fields: { crlNumber?: number; thisUpdate?: Date; nextUpdate?: Date | null; revoked?: string[] },
) {
  const paths = CertificateAuthority.paths(authority.directory);
  const key = await importPrivateKey(fromPem(readFileSync(paths.caKey, 'utf8'), 'PRIVATE KEY'));
  const issuer = issuerCertificate();
  const now = Date.now();
  let der = await issueCrl({
    issuer,
    issuerKey: key,
    revoked: (fields.revoked ?? []).map((serialHex) => ({ serialHex, revokedAt: new Date(now) })),
    crlNumber: fields.crlNumber ?? 1,
    thisUpdate: fields.thisUpdate ?? new Date(now),
    nextUpdate: fields.nextUpdate ?? new Date(now + 30 * DAY),
  });
  if (fields.crlNumber === undefined || fields.nextUpdate === null) {
    // Re-signed without the field the CA always sets: what a foreign or hand-made CRL may lack.
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    if (fields.crlNumber === undefined) delete crl.crlExtensions;
    if (fields.nextUpdate === null) delete crl.nextUpdate;
    await crl.sign(key, 'SHA-256');
    der = new Uint8Array((crl.toSchema(true) as asn1js.Sequence).toBER(false));
  }
  writeFileSync(path, toPem(der, 'X509 CRL'));
}

describe('CrlFile', () => {
  it('applies a revocation at the first check a second after the last, not before', async () => {
    const serial = await issuedSerial('app-dicabut');
    const { file, clock } = crlFile();
    expect(await file.status(serial)).toBe('good');
    await authority.revoke('app-dicabut', { serial });
    clock.now += 999;
    expect(await file.status(serial)).toBe('good');
    clock.now += 1;
    expect(await file.status(serial)).toBe('revoked');
    expect(file.healthy()).toBe(true);
    expect(file.condition()).toBe('ok');
  });

  it('re-reads at once when forced', async () => {
    const serial = await issuedSerial('app-dipaksa');
    const { file } = crlFile();
    expect(await file.status(serial)).toBe('good');
    await authority.revoke('app-dipaksa', { serial });
    await file.refresh(true);
    expect(await file.status(serial)).toBe('revoked');
  });

  it('knows nothing, and says why, when the CRL does not verify', async () => {
    const path = join(dir, 'broken.crl');
    writeFileSync(path, '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n');
    const { file, errors } = crlFile(path);
    expect(await file.status('01')).toBe('unknown');
    expect(file.healthy()).toBe(false);
    expect(file.condition()).toBe('invalid');
    expect(errors).toHaveLength(1);
    rmSync(path);
  });

  it('refuses a CRL without a CRL number or without a nextUpdate: it cannot be ordered or aged', async () => {
    for (const [name, fields] of [
      ['no-number', {}],
      ['no-next-update', { crlNumber: 5, nextUpdate: null }],
    ] as const) {
      const path = join(dir, `${name}.crl`);
      await writeCrl(path, fields);
      const { file, errors } = crlFile(path);
      expect(await file.status('01')).toBe('unknown');
      expect(file.condition()).toBe('invalid');
      expect(errors.join()).toMatch(name === 'no-number' ? /no CRL number/ : /no nextUpdate/);
    }
  });

  it('refuses an older CRL copied back: the revoked certificate is not un-revoked', async () => {
    const serial = await issuedSerial('app-mundur');
    const old = join(dir, 'before-revocation.crl');
    copyFileSync(crlPath(), old);
    await authority.revoke('app-mundur', { serial });
    const { file, clock, errors } = crlFile();
    expect(await file.status(serial)).toBe('revoked');
    copyFileSync(old, crlPath());
    clock.now += 1000;
    expect(await file.status(serial)).toBe('unknown');
    expect(await file.status('01')).toBe('unknown');
    expect(file.condition()).toBe('rolled_back');
    expect(errors.at(-1)).toMatch(/is older than one this gateway has applied.*gerbang certs crl/);
    // A fresh CRL from the CA is applied again.
    await authority.publishCrl();
    clock.now += 1000;
    expect(await file.status(serial)).toBe('revoked');
    expect(file.condition()).toBe('ok');
  });

  it('orders by CRL number, then by thisUpdate', async () => {
    const path = join(dir, 'ordered.crl');
    const now = Math.floor(Date.now() / 1000) * 1000; // CRL times have whole seconds
    await writeCrl(path, { crlNumber: 7, thisUpdate: new Date(now - 1000) });
    const { file, clock } = crlFile(path);
    await file.refresh(true);
    expect(file.condition()).toBe('ok');
    // The same number, issued later: newer. The same again: the same CRL, used.
    await writeCrl(path, { crlNumber: 7, thisUpdate: new Date(now) });
    clock.now += 1000;
    await file.refresh();
    expect([file.condition(), file.inForce()?.thisUpdate]).toEqual(['ok', now]);
    await writeCrl(path, { crlNumber: 7, thisUpdate: new Date(now) });
    clock.now += 1000;
    await file.refresh();
    expect(file.condition()).toBe('ok');
    // The same number, issued earlier: older. A lower number, issued even later: older too.
    await writeCrl(path, { crlNumber: 7, thisUpdate: new Date(now - 500) });
    clock.now += 1000;
    await file.refresh();
    expect(file.condition()).toBe('rolled_back');
    await writeCrl(path, { crlNumber: 6, thisUpdate: new Date(now + 60_000) });
    clock.now += 1000;
    await file.refresh();
    expect(file.condition()).toBe('rolled_back');
    await writeCrl(path, { crlNumber: 8, thisUpdate: new Date(now - DAY) });
    clock.now += 1000;
    await file.refresh();
    expect([file.condition(), file.inForce()?.crlNumber]).toEqual(['ok', 8n]);
  });

  it('remembers the newest CRL applied in the mark store: a restart with an old file refuses it', async () => {
    const path = join(dir, 'restart.crl');
    await writeCrl(path, { crlNumber: 20 });
    const old = join(dir, 'restart-old.crl');
    await writeCrl(old, { crlNumber: 19 });
    const marks = memoryMarks();
    const first = crlFile(path, { marks });
    await first.file.refresh(true);
    expect(first.file.condition()).toBe('ok');
    expect([...marks.marks.values()].map((mark) => mark.crlNumber)).toEqual([20n]);

    // "Restarted" (a new CrlFile, the same store) with the older CRL in place.
    copyFileSync(old, path);
    const second = crlFile(path, { marks });
    expect(await second.file.status('01')).toBe('unknown');
    expect(second.file.condition()).toBe('rolled_back');
    // Without the store, the same file would have been taken: the store is what refuses it.
    const forgetful = crlFile(path);
    expect(await forgetful.file.status('01')).toBe('good');
  });

  it('judges by memory while the mark store fails, and catches up once it works', async () => {
    const path = join(dir, 'store-fails.crl');
    await writeCrl(path, { crlNumber: 30 });
    const marks = memoryMarks();
    marks.marks.set('elsewhere', { crlNumber: 1n, thisUpdate: 0 });
    marks.failing = true;
    const { file, clock, errors, storeErrors } = crlFile(path, { marks });
    expect(await file.status('01')).toBe('good');
    clock.now += 1000;
    expect(await file.status('01')).toBe('good');
    // Said once, not at every re-read; and not as a refusal of the CRL.
    expect(storeErrors).toHaveLength(1);
    expect(storeErrors[0]).toMatch(/cannot be read or kept/);
    expect(errors).toEqual([]);
    marks.failing = false;
    clock.now += 1000;
    await file.refresh();
    expect([...marks.marks.values()].map((mark) => mark.crlNumber)).toContain(30n);
  });

  it('is unusable from nextUpdate plus the grace on, and usable again with a fresh CRL', async () => {
    const path = join(dir, 'ageing.crl');
    const now = Math.floor(Date.now() / 1000) * 1000; // CRL times have whole seconds
    await writeCrl(path, { crlNumber: 40, nextUpdate: new Date(now + DAY) });
    const { file, clock } = crlFile(path, { graceMs: 3_600_000 });
    expect(await file.status('01')).toBe('good');
    clock.wall = now + DAY + 3_600_000 - 1;
    expect([await file.status('01'), file.condition()]).toEqual(['good', 'ok']);
    clock.wall = now + DAY + 3_600_000;
    expect([await file.status('01'), file.condition(), file.healthy()]).toEqual([
      'unknown',
      'expired',
      false,
    ]);
    await writeCrl(path, { crlNumber: 41, nextUpdate: new Date(now + 30 * DAY) });
    clock.now += 1000;
    expect([await file.status('01'), file.condition()]).toEqual(['good', 'ok']);
  });

  it('has no grace unless one is given', async () => {
    const path = join(dir, 'no-grace.crl');
    const now = Math.floor(Date.now() / 1000) * 1000; // CRL times have whole seconds
    await writeCrl(path, { crlNumber: 50, nextUpdate: new Date(now + DAY) });
    const { file, clock } = crlFile(path);
    await file.refresh(true);
    clock.wall = now + DAY;
    expect(file.condition()).toBe('expired');
  });
});

describe('CertificateAuthority CRLs', () => {
  it('numbers each CRL above the last, even when the index was restored from a backup', async () => {
    const own = await CertificateAuthority.create(join(dir, 'numbered'));
    const paths = CertificateAuthority.paths(own.directory);
    const { file } = {
      file: new CrlFile(paths.crl, own.certificate, { wallClock: Date.now }),
    };
    await file.refresh(true);
    const first = file.inForce()?.crlNumber ?? 0n;
    const index = readFileSync(paths.index, 'utf8');
    await own.publishCrl();
    await file.refresh(true);
    expect(file.inForce()?.crlNumber).toBe(first + 1n);
    writeFileSync(paths.index, index);
    await own.publishCrl();
    await file.refresh(true);
    expect([file.condition(), file.inForce()?.crlNumber]).toEqual(['ok', first + 2n]);
    // Valid 30 days: a sensible nextUpdate for a monthly routine with a week's warning.
    const crl = file.inForce();
    expect(Math.round(((crl?.nextUpdate ?? 0) - (crl?.thisUpdate ?? 0)) / DAY)).toBe(30);
  });
});
