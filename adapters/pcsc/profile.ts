/**
 * Gerbang's own SAM and KTP-el APDU profile (docs/sam-profile.md). The real Dukcapil command set
 * is not public; this profile stands behind the `SamProfile` port so that a real one can replace
 * it without touching the rest.
 *
 *   SELECT by AID            00 A4 04 00 Lc AID
 *   GET DATA                 00 CA 01 tag 00        tag 01: SAM serial / card biodata
 *                                                    tag 02: SAM certificate (DER) / issuer signature
 *   GET RESPONSE             00 C0 00 00 Le         the rest of a long answer (SW 61xx)
 *   INTERNAL AUTHENTICATE    00 88 00 00 Lc M 00    ECDSA P-256 / SHA-256 signature (DER) over M,
 *                                                    M = nonce(32) ‖ len(reader id) ‖ reader id ‖ SHA-256(card data)
 */
import { createHash } from 'node:crypto';

export const SAM_AID = Buffer.from('F0474552424E4753414D', 'hex'); // F0 "GERBNGSAM"
export const KTP_AID = Buffer.from('F0474552424E474B5450', 'hex'); // F0 "GERBNGKTP"
export const INS = {
  SELECT: 0xa4,
  GET_DATA: 0xca,
  GET_RESPONSE: 0xc0,
  INTERNAL_AUTHENTICATE: 0x88,
} as const;
export const TAG = { FIRST: 0x01, SECOND: 0x02 } as const;
export const MAX_CHUNK = 256;

/** The message a SAM signs for a card read: binds the gateway's nonce, the reader and the card. */
export function samChallengeMessage(
  nonce: Uint8Array,
  readerId: string,
  cardData: Uint8Array,
): Buffer {
  const id = Buffer.from(readerId, 'utf8');
  if (nonce.length !== 32) throw new RangeError('the nonce is 32 bytes');
  if (id.length < 1 || id.length > 64) throw new RangeError('the reader id is 1-64 bytes');
  return Buffer.concat([
    Buffer.from(nonce),
    Buffer.from([id.length]),
    id,
    createHash('sha256').update(cardData).digest(),
  ]);
}
