/**
 * The reader agent's one job: read the KTP-el, have the gateway challenge the reader, have the SAM
 * sign nonce ‖ reader id ‖ SHA-256(card data), and post the card read over mutual TLS with the
 * reader's own certificate. Returns the gateway's answer as it came.
 */
import { request, type Dispatcher } from 'undici';
import { samChallengeMessage, KTP_AID, SAM_AID } from '../pcsc/profile.ts';
import { GerbangSamProfile, readKtp } from '../pcsc/sam-profile.ts';
import type { CardChannel } from '../pcsc/channel.ts';

export interface GatewayAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Posts to `/v1/readers/{readerId}/{path}` as the reader, on behalf of the operator. */
export type GatewaySender = (
  path: 'challenge' | 'card-reads',
  body?: unknown,
) => Promise<GatewayAnswer>;

export interface CardReadOptions {
  readonly send: GatewaySender;
  readonly readerId: string;
  readonly purpose: string;
  readonly reference: string;
  readonly fields?: readonly string[];
  /** Ask the gateway to hold the read for the operator's pickup at the clerk portal. */
  readonly forPortal?: boolean;
}

export interface Cards {
  find(aid: Buffer): Promise<CardChannel>;
}

/** The real sender: HTTPS with the reader's certificate (the dispatcher's). */
export function httpsSender(options: {
  gatewayUrl: string;
  dispatcher: Dispatcher;
  readerId: string;
  operator: string;
}): GatewaySender {
  return async (path, body) => {
    const response = await request(
      `${options.gatewayUrl}/v1/readers/${encodeURIComponent(options.readerId)}/${path}`,
      {
        method: 'POST',
        dispatcher: options.dispatcher,
        headers: {
          'x-operator-id': options.operator,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
      },
    );
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = {
        error: {
          code: 'invalid_response',
          message: 'the gateway answered something that is not JSON',
        },
      };
    }
    return { status: response.statusCode, body: parsed };
  };
}

export async function readCardThroughGateway(
  cards: Cards,
  options: CardReadOptions,
): Promise<GatewayAnswer> {
  const ktp = await readKtp(await cards.find(KTP_AID));
  const sam = new GerbangSamProfile(await cards.find(SAM_AID));
  const challenge = await options.send('challenge');
  if (challenge.status !== 200) return challenge;
  const nonce = Buffer.from((challenge.body as { nonce: string }).nonce, 'base64');
  const samSignature = await sam.sign(samChallengeMessage(nonce, options.readerId, ktp.cardData));
  return options.send('card-reads', {
    nonce: nonce.toString('base64'),
    purpose: options.purpose,
    reference: options.reference,
    ...(options.fields ? { fields: options.fields } : {}),
    cardData: ktp.cardData.toString('base64'),
    issuerSignature: ktp.issuerSignature.toString('base64'),
    samSerial: (await sam.serial()).toString('hex'),
    samCertificate: (await sam.certificate()).toString('base64'),
    samSignature: samSignature.toString('base64'),
    ...(options.forPortal === true ? { forPortal: true } : {}),
  });
}
