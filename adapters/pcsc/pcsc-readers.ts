/**
 * PC/SC through pcscd (pcsclite): waits for the readers and their cards, then finds the card
 * that answers a given application id. Errors come out as CardError codes, never stack traces.
 */
import type { CardReader, PCSCLite } from 'pcsclite';
import { loadPcscBinding } from './binding.ts';
import { CardError, select, type CardChannel } from './channel.ts';

export interface PcscSession {
  /** The channel to the first card that selects `aid`. */
  find(aid: Buffer): Promise<CardChannel>;
  close(): void;
}

interface Slot {
  readonly reader: CardReader;
  present: boolean;
  protocol?: number | undefined;
}

/** PC/SC return codes that mean the card is gone (removed, or its reader vanished). */
const CARD_GONE = /0x(80100069|8010000C|80100017|80100009)/i;

/**
 * A session with pcscd. Rejects with PcscBindingMissing when the binding is not installed, and
 * with CardError otherwise.
 */
export async function openPcsc(
  options: { settleMs?: number; timeoutMs?: number } = {},
): Promise<PcscSession> {
  const pcsclite = await loadPcscBinding();
  let pcsc: PCSCLite;
  try {
    pcsc = pcsclite();
  } catch {
    return Promise.reject(
      new CardError('pcsc_unavailable', 'PC/SC is not available: is pcscd running?'),
    );
  }
  const slots = new Map<string, Slot>();
  let failure: CardError | undefined;
  pcsc.on('error', () => {
    // pcsclite reports its own close as an error too; only a failure before use matters.
    failure ??= new CardError('pcsc_unavailable', 'PC/SC is not available: is pcscd running?');
  });
  pcsc.on('reader', (reader) => {
    const slot: Slot = { reader, present: false };
    slots.set(reader.name, slot);
    reader.on('error', () => undefined);
    reader.on('status', (status) => {
      slot.present = (status.state & reader.SCARD_STATE_PRESENT) !== 0;
    });
    reader.on('end', () => {
      slots.delete(reader.name);
    });
  });
  const close = (): void => {
    for (const slot of slots.values()) slot.reader.close();
    pcsc.close();
  };
  const connect = (slot: Slot): Promise<number> =>
    new Promise((resolve, reject) => {
      slot.reader.connect({ share_mode: slot.reader.SCARD_SHARE_SHARED }, (error, protocol) => {
        if (error) reject(new CardError('card_error', 'cannot connect to the card'));
        else resolve(protocol);
      });
    });
  const channelOf = (slot: Slot, protocol: number): CardChannel => ({
    readerName: slot.reader.name,
    transmit: (apdu) =>
      new Promise((resolve, reject) => {
        slot.reader.transmit(apdu, 4096, protocol, (error, data) => {
          if (error) {
            const gone = !slot.present || CARD_GONE.test(error.message);
            reject(
              new CardError(
                gone ? 'card_removed' : 'card_error',
                gone ? 'the card was removed' : 'the card did not answer',
              ),
            );
          } else resolve(data);
        });
      }),
  });
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const settle = (): void => {
      if (failure) {
        close();
        reject(failure);
        return;
      }
      const waited = Date.now() - started;
      const present = [...slots.values()].filter((slot) => slot.present);
      if (
        waited < (options.settleMs ?? 300) ||
        (present.length === 0 && waited < (options.timeoutMs ?? 3000))
      ) {
        setTimeout(settle, 50);
        return;
      }
      resolve({
        async find(aid) {
          // A card inserted a moment ago may not be reported yet: keep looking until the timeout.
          const deadline = Date.now() + (options.timeoutMs ?? 3000);
          for (;;) {
            for (const slot of slots.values()) {
              if (!slot.present) continue;
              slot.protocol ??= await connect(slot).catch(() => undefined);
              if (slot.protocol === undefined) continue;
              const channel = channelOf(slot, slot.protocol);
              if (await select(channel, aid).catch(() => false)) return channel;
            }
            if (Date.now() > deadline)
              throw new CardError('no_card', 'no card in any reader answers this application');
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
        close,
      });
    };
    settle();
  });
}
