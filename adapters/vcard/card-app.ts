/**
 * A virtual card application: SELECT by AID, GET DATA with answers longer than one response
 * chained by SW 61xx / GET RESPONSE, and an optional INTERNAL AUTHENTICATE.
 */
import { parseCommandApdu, responseApdu, SW } from '../pcsc/apdu.ts';
import { INS, MAX_CHUNK } from '../pcsc/profile.ts';
import type { VirtualCard } from './vpcd.ts';

export interface CardApplication {
  readonly aid: Buffer;
  readonly atr: Buffer;
  /** GET DATA objects by tag. */
  readonly data: ReadonlyMap<number, Buffer>;
  readonly authenticate?: (message: Buffer) => Buffer;
}

export function cardFor(app: CardApplication): VirtualCard {
  let selected = false;
  let pending: Buffer = Buffer.alloc(0);
  const answer = (bytes: Buffer): Buffer => {
    const chunk = bytes.subarray(0, MAX_CHUNK);
    pending = bytes.subarray(chunk.length);
    if (pending.length === 0) return responseApdu(chunk, SW.OK);
    return responseApdu(chunk, 0x6100 | (pending.length >= 256 ? 0 : pending.length));
  };
  return {
    atr: app.atr,
    reset() {
      selected = false;
      pending = Buffer.alloc(0);
    },
    transmit(bytes) {
      const parsed = parseCommandApdu(bytes);
      if (!parsed.ok) return responseApdu(Buffer.alloc(0), parsed.sw);
      const { cla, ins, p1, p2, data } = parsed.apdu;
      if (cla !== 0x00) return responseApdu(Buffer.alloc(0), SW.CLA_NOT_SUPPORTED);
      if (ins === INS.SELECT) {
        if (p1 !== 0x04 || p2 !== 0x00) return responseApdu(Buffer.alloc(0), SW.WRONG_P1P2);
        selected = data.equals(app.aid);
        return responseApdu(Buffer.alloc(0), selected ? SW.OK : SW.FILE_NOT_FOUND);
      }
      if (!selected) return responseApdu(Buffer.alloc(0), SW.CONDITIONS_NOT_SATISFIED);
      if (ins === INS.GET_RESPONSE)
        return pending.length === 0
          ? responseApdu(Buffer.alloc(0), SW.CONDITIONS_NOT_SATISFIED)
          : answer(pending);
      if (ins === INS.GET_DATA) {
        const object = p1 === 0x01 ? app.data.get(p2) : undefined;
        return object === undefined
          ? responseApdu(Buffer.alloc(0), SW.FILE_NOT_FOUND)
          : answer(object);
      }
      if (ins === INS.INTERNAL_AUTHENTICATE && app.authenticate !== undefined) {
        if (p1 !== 0 || p2 !== 0) return responseApdu(Buffer.alloc(0), SW.WRONG_P1P2);
        if (data.length < 34) return responseApdu(Buffer.alloc(0), SW.WRONG_DATA);
        return answer(app.authenticate(data));
      }
      return responseApdu(Buffer.alloc(0), SW.INS_NOT_SUPPORTED);
    },
  };
}
