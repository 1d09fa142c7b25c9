/**
 * Data balikan (return data): the agency's taxpayer number and tax types for a NIK it accessed,
 * sent to Dukcapil's return-data service. The payload shape is kept here alone, since no official
 * schema is public: `{nik, id_lembaga, nama_lembaga, param: [{NPWPD, JENIS_PAJAK}, ...]}`. Every
 * delivery carries its own Idempotency-Key, the same on every retry, so a retry after a lost
 * answer never creates a second record upstream.
 */
import { Pool } from 'undici';
import { UpstreamFailure, type ReturnDataClient, type ReturnDataItem } from './port.ts';

export class HttpReturnDataClient implements ReturnDataClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly options: { idLembaga: string; namaLembaga: string; requestTimeoutMs: number };

  constructor(options: {
    baseUrl: string;
    path: string;
    consumer: string;
    idLembaga: string;
    namaLembaga: string;
    requestTimeoutMs: number;
  }) {
    const url = new URL(options.baseUrl);
    this.pool = new Pool(url.origin, {
      connections: 8,
      pipelining: 1,
      connectTimeout: 2_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
    this.path = `${url.pathname.replace(/\/+$/, '')}${options.path.replace('{consumer}', encodeURIComponent(options.consumer))}`;
    this.options = options;
  }

  async deliver(item: ReturnDataItem, idempotencyKey: string): Promise<void> {
    let statusCode: number;
    let text: string;
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({
          nik: item.nik,
          id_lembaga: this.options.idLembaga,
          nama_lembaga: this.options.namaLembaga,
          param: item.jenisPajak.map((jenis) => ({ NPWPD: item.npwpd, JENIS_PAJAK: jenis })),
        }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch {
      throw new UpstreamFailure('unavailable', 'return-data service unreachable or no answer');
    }
    if (statusCode !== 200)
      throw new UpstreamFailure('malformed', `return-data service HTTP ${statusCode}`, statusCode);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamFailure('malformed', 'return-data answer is not JSON', statusCode);
    }
    const status =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as { status?: unknown }).status
        : undefined;
    if (typeof status !== 'string' || !/^ok$/i.test(status))
      throw new UpstreamFailure('rejected', 'return-data service refused the record', statusCode);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
