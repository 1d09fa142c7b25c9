/**
 * The SAM profile port: what the gateway needs from a SAM. `GerbangSamProfile` implements the
 * project's own APDU profile (docs/sam-profile.md); a real Dukcapil profile would implement the
 * same interface.
 */
import { command, type CardChannel } from './channel.ts';
import { INS, TAG } from './profile.ts';

export interface SamProfile {
  serial(): Promise<Buffer>;
  /** DER X.509 certificate of the SAM key. */
  certificate(): Promise<Buffer>;
  /** ECDSA P-256 / SHA-256 signature (DER) over `message`. */
  sign(message: Buffer): Promise<Buffer>;
}

export class GerbangSamProfile implements SamProfile {
  private readonly channel: CardChannel;
  constructor(channel: CardChannel) {
    this.channel = channel;
  }
  serial(): Promise<Buffer> {
    return command(this.channel, { ins: INS.GET_DATA, p1: 0x01, p2: TAG.FIRST, le: 256 });
  }
  certificate(): Promise<Buffer> {
    return command(this.channel, { ins: INS.GET_DATA, p1: 0x01, p2: TAG.SECOND, le: 256 });
  }
  sign(message: Buffer): Promise<Buffer> {
    return command(this.channel, {
      ins: INS.INTERNAL_AUTHENTICATE,
      p1: 0,
      p2: 0,
      data: message,
      le: 256,
    });
  }
}

/** Reads a KTP-el of the project's profile: biodata and the issuer's signature over it. */
export async function readKtp(
  channel: CardChannel,
): Promise<{ cardData: Buffer; issuerSignature: Buffer }> {
  const cardData = await command(channel, { ins: INS.GET_DATA, p1: 0x01, p2: TAG.FIRST, le: 256 });
  const issuerSignature = await command(channel, {
    ins: INS.GET_DATA,
    p1: 0x01,
    p2: TAG.SECOND,
    le: 256,
  });
  return { cardData, issuerSignature };
}
