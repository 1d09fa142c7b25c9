import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCallNikEnvelope } from './envelope.ts';
import { UpstreamFailure } from './port.ts';
import { classifyRespon } from './respon.ts';

const envelope = (content: unknown): string =>
  JSON.stringify({ content, lastPage: true, numberOfElements: 1, totalElements: 1 });

describe('classifyRespon', () => {
  it.each([
    ['Data Tidak Ditemukan', 'not_found'],
    ['data tidak  ditemukan ', 'not_found'],
    ['Login Gagal', 'rejected'],
    ['IP Address Tidak Sesuai', 'rejected'],
    ['IP Client  Tidak terdaftar', 'rejected'],
    ['ip client tidak TERDAFTAR', 'rejected'],
    ['Kuota Akses Hari ini telah Habis', 'quota'],
    ['KUOTA AKSES HARI INI TELAH HABIS', 'quota'],
    ['Sistem sedang gangguan', 'malformed'],
  ])('%s → %s', (text, kind) => {
    expect(classifyRespon(text).kind).toBe(kind);
  });

  // "tidak aktif": the resident's NIK, or the agency's account (docs/upstream.md, "Inactive").
  it.each([
    ['NIK Tidak Aktif', 'not_found: NIK inactive'],
    ['data penduduk  tidak aktif', 'not_found: NIK inactive'],
    ['User Tidak Aktif', 'rejected: user inactive'],
    ['AKUN TIDAK AKTIF', 'rejected: user inactive'],
    ['Lembaga tidak aktif', 'rejected: institution inactive'],
    ['Instansi  Tidak Aktif', 'rejected: institution inactive'],
    // Naming the account wins: a resident is never called inactive for the agency's login.
    ['User tidak aktif untuk NIK ini', 'rejected: user inactive'],
    ['Tidak Aktif', 'malformed: unrecognised RESPON'],
  ])('tells %j apart as %s', (text, expected) => {
    const { kind, reason } = classifyRespon(text);
    expect(`${kind}: ${reason}`).toBe(expected);
  });
});

describe('parseCallNikEnvelope', () => {
  it('returns the first record', () => {
    expect(parseCallNikEnvelope(envelope([{ NIK: '6474015709900001' }]))).toEqual({
      NIK: '6474015709900001',
    });
  });
  it('accepts keys in other cases', () => {
    expect(parseCallNikEnvelope(JSON.stringify({ Content: [{ nik: '1' }] }))).toEqual({ nik: '1' });
  });
  it.each([
    ['not JSON', '<html><body>502 Bad Gateway</body></html>', 'malformed'],
    ['truncated', '{"content":[{"NIK":', 'malformed'],
    ['an array', '[]', 'malformed'],
    ['no content', '{"status":"error"}', 'malformed'],
    ['empty content', envelope([]), 'malformed'],
    ['content of strings', envelope(['x']), 'malformed'],
    ['RESPON not text', envelope([{ RESPON: 42 }]), 'malformed'],
    ['not found', envelope([{ RESPON: 'Data Tidak Ditemukan' }]), 'not_found'],
    ['quota', envelope([{ respon: 'Kuota Akses Hari ini telah Habis' }]), 'quota'],
    ['two records', envelope([{ NIK: '1' }, { NIK: '1' }]), 'ambiguous'],
    [
      'one record of two',
      JSON.stringify({ content: [{ NIK: '1' }], totalElements: 2, numberOfElements: 1 }),
      'ambiguous',
    ],
    [
      'a count as text',
      JSON.stringify({ content: [{ NIK: '1' }], totalElements: '3' }),
      'ambiguous',
    ],
  ])('%s → %s', (_name, text, kind) => {
    expect(() => parseCallNikEnvelope(text)).toThrow(expect.objectContaining({ kind }) as Error);
  });

  it('fails only with UpstreamFailure, and its message never carries upstream text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ content: [v] })),
        ),
        (text) => {
          try {
            parseCallNikEnvelope(text);
          } catch (error) {
            expect(error).toBeInstanceOf(UpstreamFailure);
            const failure = error as UpstreamFailure;
            if (text.length > 3) expect(failure.message).not.toContain(text);
          }
        },
      ),
    );
  });
});
