/**
 * One raw HTTP/1.1 exchange on a fresh TLS connection: the bytes are written as given (so that
 * tests can send what no HTTP client would), and everything the server sends is read until it
 * closes the connection. For tests that must see exactly how a request ends.
 */
import { connect, type ConnectionOptions } from 'node:tls';

export interface RawExchange {
  /** The status of the answer, when one came. */
  readonly status?: number;
  /** The status line and headers, as sent. */
  readonly head: string;
  readonly body: string;
  /** The socket error, if the connection failed (a TLS alert, a reset). */
  readonly error?: string;
}

export function rawExchange(
  options: ConnectionOptions,
  bytes: string | Buffer,
  timeoutMs = 15_000,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(options);
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('secureConnect', () => {
      // With TLS 1.3 the verdict on the client certificate comes after the client's Finished;
      // the server may also answer and close before an oversized request is written in full.
      socket.write(bytes, () => undefined);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (failure: NodeJS.ErrnoException) => {
      error = failure.code ?? failure.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
      resolve({
        ...(status === undefined ? {} : { status: Number(status) }),
        head,
        body: split === -1 ? '' : text.slice(split + 4),
        ...(error === undefined ? {} : { error }),
      });
    });
  });
}
