/**
 * Resource limits of a real `gerbang serve` process, with small limits so that each can be
 * reached: header size, slow headers and bodies, idle keep-alive, the connection cap, and a flood
 * of TLS handshakes (complete and half-done) that must not starve an established client.
 * docs/security.md lists the limits and their defaults.
 */
import { type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials } from '../gateway/config/instance.ts';
import {
  prepareInstance,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';
import { stopChild } from './helpers/processes.ts';
import { probeUntil } from './helpers/until.ts';

const LIMITS = {
  maxConnections: 40,
  maxHeaderBytes: 8192,
  headersTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  keepAliveTimeoutMs: 1500,
  handshakeTimeoutMs: 1000,
};

let instance: PreparedInstance;
let gateway: ChildProcess;
let credentials: { ca: Buffer; cert: Buffer; key: Buffer };

beforeAll(async () => {
  instance = await prepareInstance((config) => ({
    ...config,
    server: { ...config.server, ...LIMITS },
  }));
  gateway = spawnGerbang(['serve'], instance.dir, { stdio: 'ignore' });
  const agent = instance.agent('app-pendaftaran');
  await waitForHealth(instance.url, agent);
  await agent.close();
  credentials = clientCredentials(join(instance.dir, 'pki'), 'app-pendaftaran');
}, 60_000);
afterAll(async () => {
  await stopChild(gateway, { signal: 'SIGKILL' });
  await instance.simulator.close();
  rmSync(instance.dir, { recursive: true, force: true });
});

/** An mTLS connection that has finished its handshake. */
function open(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: instance.port, ...credentials });
    socket.once('secureConnect', () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes `text` (or nothing) and collects what arrives until the server closes the socket. */
function exchange(socket: TLSSocket, text?: string): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      resolve(received);
    });
    if (text !== undefined) socket.write(text);
  });
}

const code = (answer: string): string | undefined => /"code":"([a-z_]+)"/.exec(answer)?.[1];
const LOOKUP = JSON.stringify({
  nik: '6474015709900001',
  purpose: 'pendaftaran-wp',
  reference: 'LIMITS-1',
});
const lookupRequest = (extraHeaders = '', close = true): string =>
  `POST /v1/nik/lookup HTTP/1.1\r\nHost: gerbang\r\nContent-Type: application/json\r\n` +
  `X-Operator-Id: limits.test\r\n${extraHeaders}Content-Length: ${LOOKUP.length}\r\n` +
  `${close ? 'Connection: close\r\n' : ''}\r\n${LOOKUP}`;

describe('resource limits', () => {
  it('answers headers over maxHeaderBytes with 431 headers_too_large, and serves those under', async () => {
    const big = await exchange(await open(), lookupRequest(`X-Filler: ${'f'.repeat(9000)}\r\n`));
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(code(big)).toBe('headers_too_large');
    const fine = await exchange(await open(), lookupRequest(`X-Filler: ${'f'.repeat(6000)}\r\n`));
    expect(fine).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers headers that never finish with 408 request_timeout and closes', async () => {
    const answer = await exchange(
      await open(),
      'POST /v1/nik/lookup HTTP/1.1\r\nHost: gerbang\r\nX-Slow: ',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(code(answer)).toBe('request_timeout');
  });

  it('answers a body that never finishes with 408 request_timeout and closes', async () => {
    const head = lookupRequest().slice(0, -LOOKUP.length);
    const answer = await exchange(await open(), head + LOOKUP.slice(0, 10));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(code(answer)).toBe('request_timeout');
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const socket = await open();
    const answer = await exchange(socket, lookupRequest('', false));
    // The answer came, then the server closed the idle connection by itself.
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(socket.destroyed).toBe(true);
  });

  it('drops connections beyond maxConnections, while the established ones keep being served', async () => {
    const held: TLSSocket[] = [];
    try {
      for (let i = 0; i < LIMITS.maxConnections; i++) {
        const socket = await open();
        socket.on('error', () => undefined);
        held.push(socket);
        // Keep each busy with an unfinished request, so that no timeout frees its slot yet.
        socket.write('POST /v1/nik/lookup HTTP/1.1\r\nHost: gerbang\r\n');
      }
      const refused = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: instance.port, ...credentials });
        socket.once('secureConnect', () => {
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? 'error');
        });
        socket.once('close', () => {
          resolve('closed');
        });
      });
      expect(refused).not.toBe('connected');
      // An established connection finishes its request and gets its answer.
      const first = held.shift();
      if (first === undefined) throw new Error('no connection held');
      const answer = await exchange(
        first,
        `Content-Type: application/json\r\nX-Operator-Id: limits.test\r\n` +
          `Content-Length: ${LOOKUP.length}\r\nConnection: close\r\n\r\n${LOOKUP}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      for (const socket of held) socket.destroy();
    }
    // The drops were counted for the operator, who gets a connection once the gateway has seen
    // the held ones go (until then it is dropped too).
    const officer = instance.agent('officer-1');
    const metrics = await probeUntil(
      async () => {
        try {
          return await (
            await request(`${instance.url}/metrics`, { dispatcher: officer })
          ).body.text();
        } catch {
          return undefined;
        }
      },
      (text) => text !== undefined,
    );
    expect(metrics).toMatch(/gerbang_connections_dropped_total [1-9]/);
    await officer.close();
  });

  it('keeps serving an established client through a flood of TLS handshakes, whole and half-done', async () => {
    let stop = false;
    let handshakes = 0;
    let halfDone = 0;
    const wholeHandshakes = async (): Promise<void> => {
      while (!stop) {
        await new Promise<void>((resolve) => {
          // No client certificate: the handshake completes, the request never comes.
          const socket = connect({ host: '127.0.0.1', port: instance.port, ca: credentials.ca });
          socket.once('secureConnect', () => {
            handshakes++;
            socket.destroy();
            resolve();
          });
          socket.once('error', () => {
            resolve();
          });
        });
      }
    };
    const stalled: Socket[] = [];
    const halfHandshakes = async (): Promise<void> => {
      while (!stop) {
        // A ClientHello's first bytes, then silence: the handshake timeout must free the slot.
        const socket = connectTcp(instance.port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]));
        stalled.push(socket);
        halfDone++;
        // Kept: the pace of the flood, which is what this test makes, not a wait for something.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    // One keep-alive connection, established before the flood, carries every request.
    // (undici drops a connection whose keep-alive hint, in whole seconds, is under its threshold.)
    const client = new Agent({
      connect: credentials,
      connections: 1,
      keepAliveTimeoutThreshold: 100,
    });
    const lookup = async (): Promise<number> => {
      const response = await request(`${instance.url}/v1/nik/lookup`, {
        method: 'POST',
        dispatcher: client,
        headers: { 'content-type': 'application/json', 'x-operator-id': 'limits.test' },
        body: LOOKUP,
        headersTimeout: 10_000,
      });
      await response.body.dump();
      return response.statusCode;
    };
    let connections = 0;
    client.on('connect', () => connections++);
    expect(await lookup()).toBe(200);
    const flood = [...Array.from({ length: 6 }, wholeHandshakes), halfHandshakes()];
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 150; i++) statuses.push(await lookup());
    } finally {
      stop = true;
      await Promise.all(flood);
      for (const socket of stalled) socket.destroy();
      await client.close();
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(connections).toBe(1);
    expect(handshakes).toBeGreaterThan(100);
    expect(halfDone).toBeGreaterThan(5);
  }, 120_000);
});
