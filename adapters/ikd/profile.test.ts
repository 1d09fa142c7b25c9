import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KeyObject } from 'node:crypto';
import { canonicalIkdPayload, GerbangIkdProfile, IKD_MAX_LENGTH } from './profile.ts';
import { IKD_PROBLEMS, type IkdReading } from './port.ts';
import {
  ikdIssuerKeys,
  ikdPayload,
  ikdPresentation,
  signIkdPayloadText,
  testIkdProfile,
} from '../../test/helpers/ikd.ts';

const NIK = '6474015709900001'; // canary
const NOW = new Date('2026-12-03T05:00:00.000Z');
const issuer = ikdIssuerKeys('ed25519');
const p256 = ikdIssuerKeys('p256');
const stranger = ikdIssuerKeys('ed25519');

function profileWith(keys: Record<string, KeyObject>): GerbangIkdProfile {
  return new GerbangIkdProfile({
    issuerKeys: new Map(Object.entries(keys)),
    maxClockSkewSeconds: 30,
    maxValiditySeconds: 300,
  });
}
const profile = profileWith({ 'bapenda-1': issuer.publicKey, 'bapenda-p256': p256.publicKey });
const present = (overrides: Partial<Parameters<typeof ikdPresentation>[0]> = {}): string =>
  ikdPresentation({ nik: NIK, key: issuer.privateKey, keyId: 'bapenda-1', now: NOW, ...overrides });
const problemOf = (reading: IkdReading): string => (reading.ok ? 'ok' : reading.problem);
const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
/** Payload text, signed as it is: for shapes the canonical encoder never writes. */
const signedText = (text: string): string => signIkdPayloadText(text, issuer.privateKey);

describe('GerbangIkdProfile', () => {
  it('reads a good presentation: the NIK, its expiry (with the skew), nonce and key', () => {
    const reading = profile.read(present({ nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }), at(10));
    expect(reading).toEqual({
      ok: true,
      nik: NIK,
      expiresAt: at(330),
      nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
      keyId: 'bapenda-1',
    });
    expect(profile.name).toBe('gerbang-ikd-1');
  });

  it('reads one signed with ECDSA P-256, and one a scanner ended with Enter', () => {
    const signed = present({ key: p256.privateKey, keyId: 'bapenda-p256' });
    expect(problemOf(profile.read(signed, NOW))).toBe('ok');
    expect(problemOf(profile.read(`${present()}\r\n`, NOW))).toBe('ok');
  });

  it('refuses a payload changed after signing (bad_signature)', () => {
    const [prefix, , signature] = present().split('.');
    const other = Buffer.from(
      canonicalIkdPayload(ikdPayload({ nik: '3316010101850002', keyId: 'bapenda-1', now: NOW })),
    ).toString('base64url');
    expect(problemOf(profile.read(`${prefix}.${other}.${signature}`, NOW))).toBe('bad_signature');
  });

  it('refuses a presentation signed by another key under a known id (bad_signature)', () => {
    expect(problemOf(profile.read(present({ key: stranger.privateKey }), NOW))).toBe(
      'bad_signature',
    );
  });

  it('refuses a key id it is not configured with (unknown_key)', () => {
    expect(problemOf(profile.read(present({ keyId: 'elsewhere-1' }), NOW))).toBe('unknown_key');
  });

  it('honours the clock skew at both ends, and not a second beyond it', () => {
    expect(problemOf(profile.read(present(), at(-30)))).toBe('ok');
    expect(problemOf(profile.read(present(), at(-31)))).toBe('not_yet_valid');
    expect(problemOf(profile.read(present(), at(329)))).toBe('ok');
    expect(problemOf(profile.read(present(), at(330)))).toBe('expired');
    expect(problemOf(profile.read(present(), new Date(Number.NaN)))).toBe('expired');
  });

  it('refuses a signed presentation whose NIK is not of valid form (invalid_nik)', () => {
    for (const nik of ['6474015709900000', '647401570990000', '0074015709900001', ''])
      expect(problemOf(profile.read(present({ nik }), NOW))).toBe('invalid_nik');
  });

  it('refuses a validity longer than the configured maximum (malformed)', () => {
    expect(problemOf(profile.read(present({ ttlSeconds: 300 }), NOW))).toBe('ok');
    expect(problemOf(profile.read(present({ ttlSeconds: 301 }), NOW))).toBe('malformed');
  });

  const good = canonicalIkdPayload(ikdPayload({ nik: NIK, keyId: 'bapenda-1', now: NOW }));
  it.each([
    ['no prefix', () => present().slice(5)],
    ['another version prefix', () => `IKD2.${present().slice(5)}`],
    ['standard base64 characters', () => present().replace(/\.([^.]*)$/, '.+/$1')],
    ['base64 padding', () => `${present()}=`],
    [
      // 64 bytes leave 4 bits of the last character unused: canonical ends are A, Q, g or w.
      'a non-canonical base64url tail',
      () => present().replace(/.$/, 'B'),
    ],
    ['a short signature', () => present().slice(0, -4)],
    ['a third dot', () => `${present()}.AAAA`],
    ['a space inside', () => present().replace('.', '. ')],
    ['oversized input', () => `${present()}${' '.repeat(IKD_MAX_LENGTH)}`],
    ['a duplicate key', () => signedText(good.replace('{"v":1,', '{"v":1,"v":1,'))],
    ['a duplicate NIK key', () => signedText(good.replace('"iat"', `"nik":"${NIK}","iat"`))],
    ['an unknown member', () => signedText(good.replace(/}$/, ',"extra":1}'))],
    ['a missing member', () => signedText(good.replace(/,"nonce":"[^"]*"/, ''))],
    [
      'members in another order',
      () => signedText(good.replace('{"v":1,"kid":"bapenda-1",', '{"kid":"bapenda-1","v":1,')),
    ],
    ['whitespace in the JSON', () => signedText(good.replace(',', ', '))],
    ['another version', () => signedText(good.replace('"v":1', '"v":2'))],
    ['a NIK as a number', () => signedText(good.replace(`"${NIK}"`, NIK))],
    ['a fractional time', () => signedText(good.replace(/"exp":(\d+)/, '"exp":$1.5'))],
    ['expiry before issue', () => signedText(good.replace(/"exp":\d+/, '"exp":1'))],
    ['a short nonce', () => signedText(good.replace(/"nonce":"[^"]*"/, '"nonce":"AAAA"'))],
    ['a JSON array', () => signedText('[1,2]')],
    ['not JSON', () => signedText('IKD')],
  ])('refuses %s (malformed)', (_, make) => {
    expect(problemOf(profile.read(make(), NOW))).toBe('malformed');
  });

  it('never puts the NIK or the input in what it returns (property)', () => {
    const digits = fc.stringMatching(/^[0-9]{16}$/);
    const mangle = fc.constantFrom('none', 'tamper', 'truncate', 'expire', 'unknown', 'stranger');
    fc.assert(
      fc.property(digits, mangle, fc.integer({ min: 0, max: 200 }), (nik, how, cut) => {
        const text = present({
          nik,
          ...(how === 'unknown' ? { keyId: 'nobody' } : {}),
          ...(how === 'stranger' ? { key: stranger.privateKey } : {}),
        });
        const input =
          how === 'tamper'
            ? text.replace(/^IKD1\.(.)/, (_m, c: string) => `IKD1.${c === 'e' ? 'f' : 'e'}`)
            : how === 'truncate'
              ? text.slice(0, cut)
              : text;
        const reading = profile.read(input, how === 'expire' ? at(3600) : NOW);
        if (reading.ok) return reading.nik === nik;
        // A refusal is the bare code: nothing of the NIK or the input can be in it.
        return (
          Object.keys(reading).join() === 'ok,problem' &&
          IKD_PROBLEMS.includes(reading.problem) &&
          !JSON.stringify(reading).includes(nik)
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('testIkdProfile (for in-process apps)', () => {
  it('reads what it presents, for five minutes and not after', () => {
    const ikd = testIkdProfile();
    expect(problemOf(ikd.profile.read(ikd.present(NIK, NOW), at(299)))).toBe('ok');
    expect(problemOf(ikd.profile.read(ikd.present(NIK, NOW), at(330)))).toBe('expired');
    expect(problemOf(profile.read(ikd.present(NIK, NOW), NOW))).toBe('unknown_key');
  });
});

describe('GerbangIkdProfile issuer keys', () => {
  it('takes Ed25519 and P-256 public keys only', () => {
    expect(() => profileWith({ 'k-1': issuer.privateKey })).toThrow(/k-1 is not a public key/);
    const { publicKey } = ikdIssuerKeys('ed25519');
    expect(() => profileWith({ 'bad id!': publicKey })).toThrow(/not a valid id/);
  });
});
