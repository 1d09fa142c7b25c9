/**
 * The data balikan client against a real HTTP receiver on 127.0.0.1 — not the simulator, whose
 * code shares the adapter's assumptions — that checks the bearer token and the payload shape of
 * DOMAIN.md ("Dukcapil web service": `{nik, id_lembaga, nama_lembaga, param:[…]}`, sent with
 * `Authorization: Bearer <token>` to the application's own URL) and answers per test. The outbox and
 * its worker over the same receiver: gateway/services/return-data/receiver-dedup.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETURN_DATA_TEMPLATE } from '../../gateway/config/return-data-template.ts';
import { HttpReturnDataClient, returnDataUrl, type HttpReturnDataOptions } from './data-balikan.ts';
import { UpstreamFailure } from './port.ts';
import { Receiver, RECEIVER_TOKEN } from '../../test/helpers/return-data-receiver.ts';

const TOKEN = RECEIVER_TOKEN;
const NIK = '6474015709900001';
const ITEM = { nik: NIK, npwpd: '0001.07.02', jenisPajak: ['PBB_P2', 'BPHTB'] };

const receivers: Receiver[] = [];
const clients: HttpReturnDataClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const receiver of receivers.splice(0)) await receiver.stop();
});

async function receiver(): Promise<Receiver> {
  const started = await new Receiver().start();
  receivers.push(started);
  return started;
}

function client(url: string, overrides: Partial<HttpReturnDataOptions> = {}): HttpReturnDataClient {
  const made = new HttpReturnDataClient({
    url,
    consumer: 'BAPENDA_BONTANG',
    idLembaga: 'BAPENDA-6474',
    namaLembaga: 'Badan Pendapatan Daerah Kota Bontang',
    bearerToken: TOKEN,
    payload: DEFAULT_RETURN_DATA_TEMPLATE,
    success: { statuses: [200], pointer: '/status', equals: ['OK'] },
    requestTimeoutMs: 1_000,
    ...overrides,
  });
  clients.push(made);
  return made;
}

const failureOf = async (promise: Promise<unknown>): Promise<UpstreamFailure> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamFailure);
    return error as UpstreamFailure;
  }
  throw new Error('expected an UpstreamFailure');
};

describe('HttpReturnDataClient against a real receiver', () => {
  it('posts the public shape to its own URL with the bearer token and the gateway key', async () => {
    const rx = await receiver();
    await client(`${rx.url}/data-balikan/api/balikan?lembaga=6474`).deliver(ITEM, 'key-1');
    expect(rx.received).toEqual([
      {
        path: '/data-balikan/api/balikan?lembaga=6474',
        authorization: `Bearer ${TOKEN}`,
        idempotencyKey: 'key-1',
        body: {
          nik: NIK,
          id_lembaga: 'BAPENDA-6474',
          nama_lembaga: 'Badan Pendapatan Daerah Kota Bontang',
          param: [
            { NPWPD: '0001.07.02', JENIS_PAJAK: 'PBB_P2' },
            { NPWPD: '0001.07.02', JENIS_PAJAK: 'BPHTB' },
          ],
        },
      },
    ]);
  });

  it('is refused without the token, and sends no Authorization header when auth is none', async () => {
    const rx = await receiver();
    const failure = await failureOf(
      client(rx.url, { bearerToken: undefined }).deliver(ITEM, 'key-1'),
    );
    expect([failure.kind, failure.upstreamStatus]).toEqual(['rejected', 401]);
    expect(rx.received).toEqual([]);
  });

  it('refuses a token that would break the header, without naming it', () => {
    expect(() => client('http://127.0.0.1:1', { bearerToken: 'abc\r\nX-Evil: 1' })).toThrow(
      /^the return-data bearer token is not a valid token/,
    );
    try {
      client('http://127.0.0.1:1', { bearerToken: 'abc\r\nX-Evil: 1' });
    } catch (error) {
      expect(String(error)).not.toContain('X-Evil');
    }
  });

  it('judges by the success criterion: status set, and the value at the pointer', async () => {
    const rx = await receiver();
    rx.answer = (_req, res) => {
      res.statusCode = 201;
      res.end(JSON.stringify({ result: { code: '00' } }));
    };
    const byStatusAlone = client(rx.url, { success: { statuses: [201] } });
    await byStatusAlone.deliver(ITEM, 'k');
    const byPointer = client(rx.url, {
      success: { statuses: [200, 201], pointer: '/result/code', equals: ['00'] },
    });
    await byPointer.deliver(ITEM, 'k');
    // The default criterion (200 and status OK) does not take this answer.
    const failure = await failureOf(client(rx.url).deliver(ITEM, 'k'));
    expect([failure.kind, failure.upstreamStatus]).toEqual(['malformed', 201]);

    rx.answer = (_req, res) => {
      res.end(JSON.stringify({ status: 'ERROR', message: 'NIK 6474015709900001 sudah ada' }));
    };
    const refused = await failureOf(client(rx.url).deliver(ITEM, 'k'));
    expect(refused.kind).toBe('rejected');
    // Never the receiver's text.
    expect(refused.message).not.toContain('sudah ada');
    rx.answer = (_req, res) => {
      res.end('<html>ok</html>');
    };
    expect((await failureOf(client(rx.url).deliver(ITEM, 'k'))).kind).toBe('malformed');
    rx.answer = (_req, res) => {
      res.end(JSON.stringify({ status: 'ok' }));
    };
    await client(rx.url).deliver(ITEM, 'k'); // compared case-insensitively
  });

  it('tells a record certainly not sent (refused connection) from a lost answer (may have arrived)', async () => {
    const rx = await receiver();
    const url = rx.url;
    await rx.stop();
    receivers.splice(0);
    expect((await failureOf(client(url).deliver(ITEM, 'k'))).kind).toBe('unavailable');

    const lost = await receiver();
    lost.answer = (req) => {
      req.socket.destroy(); // taken, then the answer is lost
    };
    expect((await failureOf(client(lost.url).deliver(ITEM, 'k'))).kind).toBe('timeout');
    expect(lost.received).toHaveLength(1);

    const silent = await receiver();
    silent.answer = () => undefined; // never answers
    const failure = await failureOf(
      client(silent.url, { requestTimeoutMs: 200 }).deliver(ITEM, 'k'),
    );
    expect(failure.kind).toBe('timeout');
  });

  it('builds the endpoint from `url`, or from `path` on the upstream host as before', () => {
    expect(
      returnDataUrl({
        url: 'https://10.64.1.20/balikan/{consumer}',
        path: '/ignored',
        upstreamBaseUrl: 'http://10.64.1.9:8080/base/',
        consumer: 'BAPENDA BONTANG',
      }),
    ).toBe('https://10.64.1.20/balikan/BAPENDA%20BONTANG');
    expect(
      returnDataUrl({
        path: '/dukcapil/data_balikan/{consumer}',
        upstreamBaseUrl: 'http://10.64.1.9:8080/base/',
        consumer: 'BAPENDA_BONTANG',
      }),
    ).toBe('http://10.64.1.9:8080/base/dukcapil/data_balikan/BAPENDA_BONTANG');
  });
});
