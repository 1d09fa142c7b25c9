/**
 * A channel to one card: APDUs in, responses out. The agent talks to cards only through this
 * port; PC/SC implements it for real readers, and tests can wrap a virtual card directly.
 */
import { encodeCommandApdu, splitResponse, SW } from './apdu.ts';
import { INS } from './profile.ts';

export interface CardChannel {
  readonly readerName: string;
  transmit(apdu: Buffer): Promise<Buffer>;
}

export class CardError extends Error {
  override readonly name = 'CardError';
  readonly code: 'card_removed' | 'card_error' | 'no_card' | 'pcsc_unavailable';
  constructor(code: CardError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Sends a command and follows SW 61xx chaining with GET RESPONSE; returns the whole answer. */
export async function command(
  channel: CardChannel,
  apdu: Parameters<typeof encodeCommandApdu>[0],
): Promise<Buffer> {
  let { data, sw } = splitResponse(await channel.transmit(encodeCommandApdu(apdu)));
  const parts = [data];
  while ((sw & 0xff00) === 0x6100) {
    ({ data, sw } = splitResponse(
      await channel.transmit(
        encodeCommandApdu({ ins: INS.GET_RESPONSE, p1: 0, p2: 0, le: sw & 0xff || 256 }),
      ),
    ));
    parts.push(data);
  }
  // No status word at all: the card left the reader between command and answer.
  if (sw === 0) throw new CardError('card_removed', 'the card was removed');
  if (sw !== SW.OK)
    throw new CardError('card_error', `card answered status ${sw.toString(16).padStart(4, '0')}`);
  return Buffer.concat(parts);
}

export async function select(channel: CardChannel, aid: Buffer): Promise<boolean> {
  const { sw } = splitResponse(
    await channel.transmit(encodeCommandApdu({ ins: INS.SELECT, p1: 0x04, p2: 0x00, data: aid })),
  );
  return sw === SW.OK;
}
