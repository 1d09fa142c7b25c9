/**
 * A data balikan receiver on 127.0.0.1 for tests, written from DOMAIN.md ("Dukcapil web
 * service": `{nik, id_lembaga, nama_lembaga, param:[{NPWPD, JENIS_PAJAK}…]}` with
 * `Authorization: Bearer <token>`), not from the simulator: it refuses a missing token (401) and
 * another shape (400), records what it takes, and answers as the test says. It honours no
 * Idempotency-Key, so a test sees every copy that reaches it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const RECEIVER_TOKEN = 'rahasia.Token-123_~+/=';

export interface Received {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: unknown;
}

export type Answer = (req: IncomingMessage, res: ServerResponse, received: Received) => void;

/** A receiver that records what arrives and refuses what lacks the token or the shape. */
export class Receiver {
  readonly received: Received[] = [];
  answer: Answer = (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'OK' }));
  };
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        const received = {
          path: req.url ?? '',
          authorization: req.headers.authorization,
          idempotencyKey: req.headers['idempotency-key'] as string | undefined,
          body,
        };
        if (req.headers.authorization !== `Bearer ${RECEIVER_TOKEN}`) {
          res.statusCode = 401;
          res.end(JSON.stringify({ status: 'ERROR', message: 'Unauthorized' }));
          return;
        }
        if (!hasPublicShape(body)) {
          res.statusCode = 400;
          res.end(JSON.stringify({ status: 'ERROR', message: 'Format Tidak Sesuai' }));
          return;
        }
        this.received.push(received);
        this.answer(req, res, received);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** DOMAIN.md's shape, checked by the receiver independently of the adapter's template. */
export function hasPublicShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    Object.keys(b).sort().join(',') === 'id_lembaga,nama_lembaga,nik,param' &&
    typeof b['nik'] === 'string' &&
    /^\d{16}$/.test(b['nik']) &&
    typeof b['id_lembaga'] === 'string' &&
    typeof b['nama_lembaga'] === 'string' &&
    Array.isArray(b['param']) &&
    b['param'].length > 0 &&
    b['param'].every(
      (p: unknown) =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as Record<string, unknown>)['NPWPD'] === 'string' &&
        typeof (p as Record<string, unknown>)['JENIS_PAJAK'] === 'string',
    )
  );
}
