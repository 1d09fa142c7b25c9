/** How the batch reads one answer of the gateway: by its code, never by a value. */
import { describe, expect, it } from 'vitest';
import { interpretAnswer, type VerifyQuery } from './client.ts';

const query: VerifyQuery = {
  nik: '6474015709900001',
  claims: { nama_lengkap: 'Siti', jenis_kelamin: 'P' },
  missing: [],
  reference: 'batch:in.csv#1',
};
const refusal = (status: number, code: string) =>
  interpretAnswer(status, {}, JSON.stringify({ error: { code, message: 'm' } }), query);

describe('interpretAnswer', () => {
  it('gives a NIK with more than one registry record its own outcome, not an error', () => {
    expect(refusal(409, 'nik_ambiguous')).toEqual({
      kind: 'result',
      result: { outcome: 'nik_ambiguous' },
    });
    expect(refusal(404, 'nik_not_found')).toEqual({
      kind: 'result',
      result: { outcome: 'nik_not_found' },
    });
  });

  it('keeps other refusals of one row as its error, and reads verdicts', () => {
    expect(refusal(409, 'conflict')).toEqual({
      kind: 'result',
      result: { outcome: 'error', error: 'conflict' },
    });
    expect(
      interpretAnswer(
        200,
        {},
        JSON.stringify({
          result: { nama_lengkap: { match: true }, jenis_kelamin: { match: false } },
        }),
        query,
      ),
    ).toEqual({ kind: 'result', result: { outcome: 'mismatch', mismatched: ['jenis_kelamin'] } });
  });
});
