/** The CALL_VERIFY_BY_ELEMEN answer: verdict strings, response codes, and refusals to guess. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from './port.ts';
import { parseVerdict, parseVerifyEnvelope, verdictUnder } from './verify-envelope.ts';

const NIK = '6474015709900001';
const envelope = (item: Record<string, unknown>) =>
  JSON.stringify({ content: [item], numberOfElements: 1, totalElements: 1 });
const failureKind = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof UpstreamFailure) return `${error.kind}: ${error.reason}`;
    throw error;
  }
  throw new Error('expected an UpstreamFailure');
};

describe('parseVerdict', () => {
  it.each([
    ['Sesuai', { sesuai: true }],
    ['Tidak Sesuai', { sesuai: false }],
    ['Sesuai (92)', { sesuai: true, score: 92 }],
    ['Tidak Sesuai (40)', { sesuai: false, score: 40 }],
    [' SESUAI(88) ', { sesuai: true, score: 88 }],
    ['tidak  sesuai', { sesuai: false }],
  ])('reads %j', (text, verdict) => {
    expect(parseVerdict(text)).toEqual(verdict);
  });

  it.each(['Cocok', 'Sesuai (101)', 'Sesuai (-1)', 'Tidak', '', 'Sesuai 92'])(
    'refuses %j',
    (text) => {
      expect(parseVerdict(text)).toBeUndefined();
    },
  );
});

describe('verdictUnder', () => {
  it.each([
    [{ sesuai: true }, true],
    [{ sesuai: true, score: 85 }, true],
    [{ sesuai: true, score: 84 }, false],
    [{ sesuai: false }, false],
    [{ sesuai: false, score: 99 }, false],
  ])('reads %j under threshold 85 as match %s, with no score', (wire, match) => {
    expect(verdictUnder(wire, 85)).toEqual({ match });
  });
});

/** The keys each element goes under, as the client sends a free-text claim. */
const KEYS = {
  nama_lengkap: { element: 'nama_lengkap', keys: ['NAMA_LGKP'] },
  tanggal_lahir: { element: 'tanggal_lahir', keys: ['TGL_LHR'] },
} as const;
const NAMA = [KEYS.nama_lengkap];

describe('parseVerifyEnvelope', () => {
  it('answers exactly the claimed elements and ignores the rest (no RESPONSE_CODE on success)', () => {
    const text = envelope({
      NIK: 'Sesuai',
      NAMA_LGKP: 'Sesuai (96)',
      tgl_lhr: 'Tidak Sesuai',
      AGAMA: 'Sesuai',
    });
    expect(parseVerifyEnvelope(text, [KEYS.nama_lengkap, KEYS.tanggal_lahir], 85)).toEqual({
      nama_lengkap: { match: true },
      tanggal_lahir: { match: false },
    });
  });

  it('drops the score, and holds a Sesuai under the threshold as no match', () => {
    const text = envelope({ NIK: 'Sesuai', NAMA_LGKP: 'Sesuai (86)' });
    expect(parseVerifyEnvelope(text, NAMA, 85)).toEqual({ nama_lengkap: { match: true } });
    expect(parseVerifyEnvelope(text, NAMA, 90)).toEqual({ nama_lengkap: { match: false } });
  });

  it('makes nothing a match when the NIK is "Tidak Sesuai"', () => {
    const text = envelope({ nik: 'Tidak Sesuai', NAMA_LGKP: 'Sesuai (100)' });
    expect(parseVerifyEnvelope(text, NAMA, 85)).toEqual({ nama_lengkap: { match: false } });
  });

  it('judges an element sent under several keys by all of them', () => {
    const alamat = { element: 'alamat', keys: ['ALAMAT', 'KEL_NAME'] } as const;
    const answer = (kel: string) => envelope({ NIK: 'Sesuai', ALAMAT: 'Sesuai', KEL_NAME: kel });
    expect(parseVerifyEnvelope(answer('Sesuai'), [alamat], 85)).toEqual({
      alamat: { match: true },
    });
    expect(parseVerifyEnvelope(answer('Tidak Sesuai'), [alamat], 85)).toEqual({
      alamat: { match: false },
    });
  });

  it.each([
    ['03', 'rejected: login rejected'],
    ['04', 'rejected: client IP not registered'],
    ['10', 'rejected: client IP not registered'],
    ['05', 'quota: daily quota exhausted'],
    [5, 'quota: daily quota exhausted'],
    ['08', 'not_found: data not found'],
    ['11', 'not_found: resident recorded as deceased'],
    ['12', 'ambiguous: more than one record for the NIK'],
    ['13', 'not_found: data not found'],
    ['14', 'not_found: NIK inactive'],
    ['15', 'not_found: data not found'],
    ['16', 'rejected: institution inactive'],
    ['17', 'rejected: user inactive'],
    ['01', 'malformed: unknown response code'],
    ['99', 'malformed: unknown response code'],
    ['xx', 'malformed: RESPONSE_CODE unreadable'],
  ])('classifies RESPONSE_CODE %j without reading its RESPONSE text', (code, expected) => {
    const text = envelope({ RESPONSE_CODE: code, RESPONSE: 'teks bebas dari hulu' });
    expect(failureKind(() => parseVerifyEnvelope(text, NAMA, 85))).toBe(expected);
  });

  it("reads codes through the profile's own table", () => {
    const text = envelope({ RESPONSE_CODE: '21', RESPONSE: 'x' });
    expect(failureKind(() => parseVerifyEnvelope(text, NAMA, 85, { '21': 'quota' }))).toBe(
      'quota: daily quota exhausted',
    );
  });

  it.each([
    ['a claimed element without a verdict', { NIK: 'Sesuai' }],
    ['an unreadable verdict', { NIK: 'Sesuai', NAMA_LGKP: 'SITI KENARI' }],
    ['the NIK as a number, not a verdict', { NIK: NIK, NAMA_LGKP: 'Sesuai' }],
    ['no NIK verdict', { NAMA_LGKP: 'Sesuai' }],
  ])('refuses %s as malformed', (_, item) => {
    expect(failureKind(() => parseVerifyEnvelope(envelope(item), NAMA, 85))).toMatch(
      /^malformed: /,
    );
  });

  it('refuses several answers for one NIK as ambiguous', () => {
    const text = JSON.stringify({
      content: [
        { NIK: 'Sesuai', NAMA_LGKP: 'Sesuai' },
        { NIK: 'Sesuai', NAMA_LGKP: 'Tidak Sesuai' },
      ],
      totalElements: 2,
    });
    expect(failureKind(() => parseVerifyEnvelope(text, NAMA, 85))).toMatch(/^ambiguous: /);
  });

  it('reads a RESPON error in the CALL_NIK style too', () => {
    const text = envelope({ RESPON: 'Kuota Akses Hari ini telah Habis' });
    expect(failureKind(() => parseVerifyEnvelope(text, NAMA, 85))).toBe(
      'quota: daily quota exhausted',
    );
  });

  it('never puts upstream text in the failure', () => {
    const text = envelope({ NIK: 'Sesuai', NAMA_LGKP: 'SITI KENARI RAHAYU' });
    expect(failureKind(() => parseVerifyEnvelope(text, NAMA, 85))).not.toContain('SITI');
  });
});

describe('parseVerifyEnvelope on arbitrary answers', () => {
  const ELEMENTS = ['nama_lengkap', 'tanggal_lahir'] as const;
  const CLAIMED = [KEYS.nama_lengkap, KEYS.tanggal_lahir];
  const verdictText = fc.oneof(
    fc.constantFrom('Sesuai', 'Tidak Sesuai', 'sesuai ( 92 )', 'Sesuai (101)', 'SESUAI(7)', ''),
    fc.string(),
  );
  const item = fc.record(
    {
      RESPONSE_CODE: fc.oneof(
        fc.constantFrom('01', '03', '05', '12', '13', '99', 1, 5),
        fc.jsonValue(),
      ),
      NIK: fc.oneof(
        fc.constant('Sesuai'),
        fc.constant(NIK),
        fc.constant(6474015709900001),
        fc.jsonValue(),
      ),
      NAMA_LGKP: fc.oneof(verdictText, fc.jsonValue()),
      TGL_LHR: fc.oneof(verdictText, fc.jsonValue()),
      RESPON: fc.string(),
    },
    { requiredKeys: [] },
  );

  it('answers a verdict for exactly the claimed elements, or fails only with UpstreamFailure', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          item.map((i) => envelope(i)),
        ),
        (text) => {
          let verdicts: Record<string, unknown>;
          try {
            verdicts = parseVerifyEnvelope(text, CLAIMED, 85);
          } catch (error) {
            expect(error).toBeInstanceOf(UpstreamFailure);
            if (text.length > 3) expect((error as Error).message).not.toContain(text);
            return;
          }
          // Never half an answer: every claimed element has a verdict, and a verdict is one bit.
          expect(Object.keys(verdicts).sort()).toEqual([...ELEMENTS].sort());
          for (const verdict of Object.values(verdicts))
            expect(verdict).toEqual({ match: expect.any(Boolean) as boolean });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
