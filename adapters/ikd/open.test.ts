import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIkdProfile } from './open.ts';
import { fileTempDir } from '../../test/helpers/temp-dir.ts';
import { ikdIssuerKeys, ikdPresentation } from '../../test/helpers/ikd.ts';

const dir = fileTempDir('gerbang-ikd-open-');
const pem = (name: string, key: KeyObject): string => {
  const file = join(dir, name);
  writeFileSync(file, key.export({ type: 'spki', format: 'pem' }));
  return file;
};
const issuer = ikdIssuerKeys('p256');
const settings = (
  issuerKeys: { id: string; publicKeyFile: string }[],
  profile = 'gerbang-ikd-1',
) => ({
  profile,
  issuerKeys,
  maxClockSkewSeconds: 30,
  maxValiditySeconds: 300,
});

describe('openIkdProfile', () => {
  it('reads the issuer public keys and checks presentations with them', () => {
    const ikd = openIkdProfile(
      settings([{ id: 'k-1', publicKeyFile: pem('k1.pem', issuer.publicKey) }]),
    );
    const now = new Date('2026-12-03T05:00:00Z');
    const text = ikdPresentation({
      nik: '3316010101850002',
      key: issuer.privateKey,
      keyId: 'k-1',
      now,
    });
    expect(ikd.read(text, now)).toMatchObject({ ok: true, nik: '3316010101850002' });
  });

  it('refuses a key of another algorithm, naming the key id and file', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(() =>
      openIkdProfile(settings([{ id: 'r-1', publicKeyFile: pem('r.pem', rsa) }])),
    ).toThrow(
      /\/ikd\/issuerKeys\/0\/publicKeyFile: .*r\.pem is neither an Ed25519 nor an ECDSA P-256 key/,
    );
    expect(() =>
      openIkdProfile(settings([{ id: 'e-1', publicKeyFile: pem('e.pem', p384) }])),
    ).toThrow(/neither an Ed25519 nor an ECDSA P-256 key/);
  });

  it('refuses a missing file, a private key, a file that is no key, and an unknown profile', () => {
    expect(() =>
      openIkdProfile(settings([{ id: 'k-1', publicKeyFile: join(dir, 'none.pem') }])),
    ).toThrow(/\/ikd\/issuerKeys\/0\/publicKeyFile: .*none\.pem cannot be read \(ENOENT\)/);
    const secret = join(dir, 'private.pem');
    writeFileSync(secret, issuer.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => openIkdProfile(settings([{ id: 'k-1', publicKeyFile: secret }]))).toThrow(
      /is a private key; give the issuer public key only/,
    );
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(() => openIkdProfile(settings([{ id: 'k-1', publicKeyFile: junk }]))).toThrow(
      /junk\.pem is not a PEM public key/,
    );
    expect(() => openIkdProfile(settings([], 'dukcapil-ikd'))).toThrow(
      /profile dukcapil-ikd is not known/,
    );
  });
});
