/**
 * The virtual SAM: the card that proves a reader is genuine. It holds an ECDSA P-256 key, its
 * certificate (issued by the SAM CA) and a serial, and signs the card-read message.
 */
import { createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { SAM_AID, TAG } from '../pcsc/profile.ts';
import { cardFor } from './card-app.ts';
import type { VirtualCard } from './vpcd.ts';

export function virtualSam(options: {
  readonly keyPem: string | Buffer;
  readonly certificatePem: string;
}): VirtualCard {
  const key: KeyObject = createPrivateKey(options.keyPem);
  const certificate = new X509Certificate(options.certificatePem);
  return cardFor({
    aid: SAM_AID,
    atr: Buffer.from('3B8B80014745524247534D2D53414D0F', 'hex'),
    data: new Map([
      [TAG.FIRST, Buffer.from(certificate.serialNumber, 'hex')],
      [TAG.SECOND, certificate.raw],
    ]),
    authenticate: (message) => sign('sha256', message, key),
  });
}
