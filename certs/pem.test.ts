import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromPem, fromPemAll, PemError, toPem } from './pem.ts';

describe('PEM', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (bytes) => {
        expect(fromPem(toPem(bytes, 'CERTIFICATE'), 'CERTIFICATE')).toEqual(bytes);
      }),
    );
  });
  it('reads several blocks and ignores text around them', () => {
    const text = `junk\n${toPem(new Uint8Array([1]), 'CERTIFICATE')}between\r\n${toPem(new Uint8Array([2, 3]), 'CERTIFICATE')}`;
    expect(fromPemAll(text, 'CERTIFICATE')).toEqual([new Uint8Array([1]), new Uint8Array([2, 3])]);
  });
  it.each([
    ['no block', 'hello'],
    ['wrong label', toPem(new Uint8Array([1]), 'PRIVATE KEY')],
    ['bad padding', '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----'],
  ])('refuses %s', (_name, text) => {
    expect(() => fromPem(text, 'CERTIFICATE')).toThrow(PemError);
  });
  it('fails only with PemError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        try {
          fromPem(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`, 'CERTIFICATE');
        } catch (error) {
          expect(error).toBeInstanceOf(PemError);
        }
      }),
    );
  });
});
