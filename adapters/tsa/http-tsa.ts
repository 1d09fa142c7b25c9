/**
 * RFC 3161 over HTTP (section 3.4): POST application/timestamp-query, read
 * application/timestamp-reply. Every token is checked before it is handed on — over the bytes
 * asked for, with the nonce sent, from a TSA of the configured CA — so a wrong or replayed answer
 * is a refusal, never a stored token. The reply is read up to 64 KiB; the TSA's text is not passed
 * on beyond its status line.
 */
import { Agent, request } from 'undici';
import {
  parseTimeStampReply,
  timeStampRequest,
  verifyTimeStampToken,
} from '../../certs/timestamp.ts';
import { TimestampRefused, type TimeStampToken, type TimestampAuthority } from './port.ts';

const MAX_REPLY_BYTES = 64 * 1024;

export interface HttpTimestampAuthorityOptions {
  readonly url: string;
  /** The CA the TSA's certificate chains to (PEM). */
  readonly caPem: string;
  /** For an https URL: the CA of the TSA's TLS certificate, when not the system's. */
  readonly tlsCaPem?: string;
  readonly policy?: string;
  readonly timeoutMs: number;
}

export class HttpTimestampAuthority implements TimestampAuthority {
  readonly target: string;
  private readonly options: HttpTimestampAuthorityOptions;
  private readonly dispatcher: Agent;

  constructor(options: HttpTimestampAuthorityOptions) {
    this.options = options;
    const url = new URL(options.url);
    this.target = `${url.origin}${url.pathname}`;
    this.dispatcher = new Agent({
      connections: 1,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.tlsCaPem === undefined ? {} : { connect: { ca: options.tlsCaPem } }),
    });
  }

  async stamp(data: Uint8Array): Promise<TimeStampToken> {
    const query = timeStampRequest(data, this.options.policy);
    let body: Buffer;
    try {
      const response = await request(this.options.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { 'content-type': 'application/timestamp-query' },
        body: query.der,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new TimestampRefused(`the TSA answered HTTP ${response.statusCode}`);
      }
      body = await readAtMost(response.body, MAX_REPLY_BYTES);
    } catch (error) {
      if (error instanceof TimestampRefused) throw error;
      throw new TimestampRefused('the TSA cannot be reached or did not answer in time');
    }
    const reply = parseTimeStampReply(body);
    if (!reply.granted) throw new TimestampRefused(`the TSA refused: ${reply.reason}`);
    const check = await verifyTimeStampToken(reply.token, {
      data,
      caPem: this.options.caPem,
      nonce: query.nonce,
    });
    if (!check.ok) throw new TimestampRefused(`the TSA's token was refused: ${check.reason}`);
    return { token: reply.token, genTime: check.genTime, authority: check.authority };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

async function readAtMost(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new TimestampRefused(`the TSA's reply is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
