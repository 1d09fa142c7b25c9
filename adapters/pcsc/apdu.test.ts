import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeCommandApdu, parseCommandApdu, responseApdu, splitResponse, SW } from './apdu.ts';
import { frame, parseFrames } from '../vcard/vpcd.ts';

describe('APDU codec', () => {
  it('round-trips every short command', () => {
    fc.assert(
      fc.property(
        fc.nat(255),
        fc.nat(255),
        fc.nat(255),
        fc.uint8Array({ maxLength: 255 }),
        fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
        (ins, p1, p2, data, le) => {
          const parsed = parseCommandApdu(
            encodeCommandApdu({ ins, p1, p2, data, ...(le === undefined ? {} : { le }) }),
          );
          expect(parsed).toEqual({
            ok: true,
            apdu: { cla: 0, ins, p1, p2, data: Buffer.from(data), le },
          });
        },
      ),
    );
  });
  it('never throws on arbitrary bytes and refuses what is not a short APDU', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const parsed = parseCommandApdu(bytes);
        if (!parsed.ok) expect(parsed.sw).toBe(SW.WRONG_LENGTH);
      }),
    );
    expect(parseCommandApdu(new Uint8Array([0, 0xa4, 4]))).toEqual({
      ok: false,
      sw: SW.WRONG_LENGTH,
    });
    expect(parseCommandApdu(new Uint8Array([0, 0xa4, 4, 0, 5, 1, 2]))).toEqual({
      ok: false,
      sw: SW.WRONG_LENGTH,
    });
  });
  it('splits responses into data and status word', () => {
    expect(splitResponse(responseApdu(Buffer.from('abc'), SW.OK))).toEqual({
      data: Buffer.from('abc'),
      sw: 0x9000,
    });
    expect(splitResponse(new Uint8Array())).toEqual({ data: Buffer.alloc(0), sw: 0 });
  });
});

describe('vpcd framing', () => {
  it('parses any sequence of frames, in any split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 6 }),
        fc.nat(),
        (payloads, cut) => {
          const stream = Buffer.concat(payloads.map(frame));
          const at = stream.length === 0 ? 0 : cut % stream.length;
          const first = parseFrames(stream.subarray(0, at));
          const second = parseFrames(Buffer.concat([first.rest, stream.subarray(at)]));
          expect([...first.messages, ...second.messages]).toEqual(
            payloads.map((p) => Buffer.from(p)),
          );
          expect(second.rest.length).toBe(0);
        },
      ),
    );
  });
});
