/**
 * The vpcd socket protocol (vsmartcard): a virtual card connects to vpcd's TCP port; every
 * message is a 2-byte big-endian length and a payload. A 1-byte payload is a control code —
 * 0x00 power off, 0x01 power on, 0x02 reset, 0x04 get ATR (answered with the ATR) — and anything
 * else is a C-APDU, answered with an R-APDU. Closing the connection removes the card.
 */
import { connect, type Socket } from 'node:net';

export interface VirtualCard {
  readonly atr: Buffer;
  /** Power off or reset: forget the selected application. */
  reset(): void;
  transmit(apdu: Buffer): Buffer;
}

export const VPCD_CONTROL = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  RESET: 0x02,
  GET_ATR: 0x04,
} as const;

export function frame(payload: Uint8Array): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length);
  return Buffer.concat([length, Buffer.from(payload)]);
}

/** Splits a byte stream into vpcd messages; returns the messages and the unparsed rest. */
export function parseFrames(buffer: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const length = buffer.readUInt16BE(offset);
    if (buffer.length - offset - 2 < length) break;
    messages.push(buffer.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

export interface InsertedCard {
  /** Resolves once vpcd accepted the connection (the card is in the reader). */
  readonly inserted: Promise<void>;
  /** Takes the card out. */
  remove(): Promise<void>;
}

/** Inserts `card` into the vpcd reader listening on host:port. */
export function insertVirtualCard(
  card: VirtualCard,
  options: { host?: string; port: number },
): InsertedCard {
  const socket: Socket = connect({ host: options.host ?? '127.0.0.1', port: options.port });
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const parsed = parseFrames(Buffer.concat([buffer, chunk]));
    buffer = parsed.rest;
    for (const message of parsed.messages) {
      if (message.length === 1) {
        const code = message[0];
        if (code === VPCD_CONTROL.GET_ATR) socket.write(frame(card.atr));
        else if (code === VPCD_CONTROL.RESET || code === VPCD_CONTROL.POWER_OFF) card.reset();
        continue;
      }
      socket.write(frame(card.transmit(message)));
    }
  });
  const inserted = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  return {
    inserted,
    remove: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) {
          resolve();
          return;
        }
        socket.once('close', () => {
          resolve();
        });
        socket.destroy();
      }),
  };
}
