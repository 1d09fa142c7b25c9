/**
 * The virtual KTP-el: a resident's biodata (as Dukcapil records it) signed by the card issuer,
 * like the chip's digital signature. Built in memory from the simulator's population; nothing is
 * written anywhere.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { KTP_AID, TAG } from '../pcsc/profile.ts';
import { cardFor } from './card-app.ts';
import type { VirtualCard } from './vpcd.ts';

export function ktpCardData(record: Readonly<Record<string, unknown>>): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

export function virtualKtp(options: {
  readonly record: Readonly<Record<string, unknown>>;
  readonly issuerKeyPem: string | Buffer;
  readonly tamper?: boolean;
}): VirtualCard {
  const biodata = ktpCardData(options.record);
  const signature = sign('sha256', biodata, createPrivateKey(options.issuerKeyPem));
  // A forged card: the biodata changed after the issuer signed it.
  const served =
    options.tamper === true
      ? Buffer.from(biodata.toString('utf8').replace(/"NAMA_LGKP":"[^"]*"/, '"NAMA_LGKP":"PALSU"'))
      : biodata;
  return cardFor({
    aid: KTP_AID,
    atr: Buffer.from('3B8880014745524247534B54500F', 'hex'),
    data: new Map([
      [TAG.FIRST, served],
      [TAG.SECOND, signature],
    ]),
  });
}
