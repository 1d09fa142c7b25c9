/**
 * The SAM certificate a reader presents is untrusted DER from the network: whatever the bytes, the
 * verifier answers `reader_proof_invalid` or accepts a certificate the SAM CA really signed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromPem } from '../../../certs/index.ts';
import { readerPki } from '../../../test/helpers/readers.ts';
import { CardReadRefused, CardReadVerifier, certificateFingerprint } from './card-read-verifier.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

describe('CardReadVerifier.checkSamCertificate on hostile DER', () => {
  it('refuses any byte string, any changed or cut-short certificate, with reader_proof_invalid only', async () => {
    const pki = await readerPki();
    const verifier = new CardReadVerifier({
      samCaFile: pki.samCaFile,
      cardIssuerCertFile: pki.cardIssuerCertFile,
      nonceTtlSeconds: 60,
    });
    const genuine = fromPem(pki.sam.cert, 'CERTIFICATE');
    const genuineFingerprint = certificateFingerprint(genuine);
    const outcome = (der: Uint8Array): string => {
      try {
        const accepted = verifier.checkSamCertificate(der, NOW);
        // Only the signed certificate itself may come through, re-encoded or not.
        return certificateFingerprint(accepted.raw) === genuineFingerprint ||
          accepted.serialNumber === verifier.checkSamCertificate(genuine, NOW).serialNumber
          ? 'accepted genuine'
          : 'accepted other';
      } catch (error) {
        return error instanceof CardReadRefused ? error.kind : `other error: ${String(error)}`;
      }
    };
    expect(outcome(genuine)).toBe('accepted genuine');
    expect(outcome(fromPem(pki.foreignSam.cert, 'CERTIFICATE'))).toBe('reader_proof_invalid');

    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => {
        expect(outcome(bytes)).toBe('reader_proof_invalid');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(genuine.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (changes) => {
          const mutated = new Uint8Array(genuine);
          for (const [at, xor] of changes) mutated[at] = (mutated[at] ?? 0) ^ xor;
          expect(['reader_proof_invalid', 'accepted genuine']).toContain(outcome(mutated));
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat(genuine.length - 1), (length) => {
        expect(outcome(genuine.slice(0, length))).toBe('reader_proof_invalid');
      }),
      { numRuns: 200 },
    );
  });
});
