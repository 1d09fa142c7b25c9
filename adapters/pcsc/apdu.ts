/**
 * ISO 7816-4 command and response APDUs (short form), shared by the virtual cards and the reader
 * agent. Parsing never throws on bad input: it says what is wrong.
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Buffer;
  /** Expected response length; 256 when Le was 0x00; undefined when absent. */
  readonly le: number | undefined;
}

export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

export type ParsedApdu =
  { readonly ok: true; readonly apdu: CommandApdu } | { readonly ok: false; readonly sw: number };

/** Parses a short C-APDU (cases 1–4). */
export function parseCommandApdu(bytes: Uint8Array): ParsedApdu {
  const b = Buffer.from(bytes);
  if (b.length < 4) return { ok: false, sw: SW.WRONG_LENGTH };
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = b;
  const header = { cla, ins, p1, p2 };
  if (b.length === 4)
    return { ok: true, apdu: { ...header, data: Buffer.alloc(0), le: undefined } };
  const first = b[4] ?? 0;
  if (b.length === 5)
    return { ok: true, apdu: { ...header, data: Buffer.alloc(0), le: first === 0 ? 256 : first } };
  const lc = first;
  if (lc === 0) return { ok: false, sw: SW.WRONG_LENGTH }; // extended length is not supported
  if (b.length === 5 + lc)
    return { ok: true, apdu: { ...header, data: b.subarray(5, 5 + lc), le: undefined } };
  if (b.length === 6 + lc) {
    const le = b[5 + lc] ?? 0;
    return { ok: true, apdu: { ...header, data: b.subarray(5, 5 + lc), le: le === 0 ? 256 : le } };
  }
  return { ok: false, sw: SW.WRONG_LENGTH };
}

export function encodeCommandApdu(apdu: {
  cla?: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  le?: number;
}): Buffer {
  const data = Buffer.from(apdu.data ?? []);
  if (data.length > 255) throw new RangeError('short APDUs carry at most 255 data bytes');
  const parts: Buffer[] = [Buffer.from([apdu.cla ?? 0, apdu.ins, apdu.p1, apdu.p2])];
  if (data.length > 0) parts.push(Buffer.from([data.length]), data);
  if (apdu.le !== undefined) parts.push(Buffer.from([apdu.le === 256 ? 0 : apdu.le]));
  return Buffer.concat(parts);
}

export function responseApdu(data: Uint8Array, sw: number): Buffer {
  return Buffer.concat([Buffer.from(data), Buffer.from([(sw >> 8) & 0xff, sw & 0xff])]);
}

export function splitResponse(bytes: Uint8Array): { data: Buffer; sw: number } {
  const b = Buffer.from(bytes);
  if (b.length < 2) return { data: Buffer.alloc(0), sw: 0 };
  return {
    data: b.subarray(0, b.length - 2),
    sw: ((b[b.length - 2] ?? 0) << 8) | (b[b.length - 1] ?? 0),
  };
}
