/**
 * SIEM forwarding against a real TLS syslog receiver written here: RFC 5425 octet counting,
 * mutual TLS with the receiver's CA pinned, and catch-up after an outage of the SIEM.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../audit/store/index.ts';
import { parseOctetCounted, SyslogForwarder } from '../adapters/syslog/index.ts';
import { CertificateAuthority } from '../certs/index.ts';
import { siemFeed } from '../gateway/server/siem-feed.ts';
import { createTestSigner } from './helpers/audit-signer.ts';
import { until } from './helpers/until.ts';

let dir: string;
let siemCa: CertificateAuthority;
let serverFiles: { cert: string; key: string };
let clientFiles: { cert: string; key: string };

interface Receiver {
  readonly port: number;
  readonly messages: string[];
  readonly clientNames: string[];
  /** Handshakes that failed (a client that refused this receiver's certificate). */
  readonly handshakeFailures: string[];
  close(): Promise<void>;
}

function startReceiver(port = 0, messages: string[] = []): Promise<Receiver> {
  const sockets = new Set<TLSSocket>();
  const clientNames: string[] = [];
  const handshakeFailures: string[] = [];
  const server: Server = createServer(
    {
      ...serverFiles,
      ca: readFileSync(join(dir, 'siem-pki/ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      sockets.add(socket);
      clientNames.push(String(socket.getPeerCertificate().subject.CN));
      let buffer: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        const parsed = parseOctetCounted(Buffer.concat([buffer, chunk]));
        messages.push(...parsed.messages);
        buffer = parsed.rest;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    },
  );
  server.on('tlsClientError', (error) => handshakeFailures.push(error.message));
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        messages,
        clientNames,
        handshakeFailures,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

const seqs = (messages: string[]): number[] =>
  [...new Set(messages.map((m) => Number(/seq="(\d+)"/.exec(m)?.[1])))].sort((a, b) => a - b);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-siem-'));
  siemCa = await CertificateAuthority.create(join(dir, 'siem-pki'), { name: 'SIEM CA' });
  const server = await siemCa.issue({
    kind: 'server',
    id: 'siem',
    role: 'siem',
    altNames: ['127.0.0.1'],
  });
  const client = await siemCa.issue({ kind: 'client', id: 'gerbang-bontang', role: 'siem-client' });
  serverFiles = {
    cert: readFileSync(server.certificatePath, 'utf8'),
    key: readFileSync(server.keyPath, 'utf8'),
  };
  clientFiles = {
    cert: readFileSync(client.certificatePath, 'utf8'),
    key: readFileSync(client.keyPath, 'utf8'),
  };
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SIEM forwarding', () => {
  it('sends every record as RFC 5424 over mutual TLS and catches up after an outage', async () => {
    const { signer } = await createTestSigner(dir);
    const store = new SqliteAuditStore({ path: join(dir, 'audit.db'), instance: 'test', signer });
    let receiver = await startReceiver();
    const port = receiver.port;
    const forwarder = new SyslogForwarder({
      host: '127.0.0.1',
      port,
      ca: readFileSync(join(dir, 'siem-pki/ca.crt'), 'utf8'),
      ...clientFiles,
      ...siemFeed(store),
      pollIntervalMs: 50,
    });
    forwarder.start();
    for (let i = 0; i < 20; i++)
      await store.append({
        type: 'lookup',
        outcome: i % 5 === 0 ? 'denied' : 'success',
        requestId: `r${i}`,
        subject: 'ab'.repeat(32),
      });
    await until(() => seqs(receiver.messages).length === 20);
    expect(receiver.clientNames[0]).toBe('gerbang-bontang');
    const first = receiver.messages[0] ?? '';
    expect(first).toMatch(
      /^<108>1 \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \S+ gerbang \d+ lookup \[gerbang@32473 seq="1" type="lookup" outcome="denied" hash="[0-9a-f]{64}"\] \{/,
    );
    expect(JSON.parse(first.slice(first.indexOf('] ') + 2))).toMatchObject({
      seq: 1,
      type: 'lookup',
      outcome: 'denied',
    });

    // The SIEM goes away; records keep coming; nothing may be lost.
    const received = receiver.messages;
    await receiver.close();
    for (let i = 20; i < 50; i++)
      await store.append({
        type: 'security',
        event: 'access_refused',
        outcome: 'denied',
        requestId: `r${i}`,
      });
    // Back only once the forwarder has seen it go.
    await until(() => !forwarder.status().connected);
    receiver = await startReceiver(port, received);
    await until(() => seqs(receiver.messages).length === 50);
    expect(seqs(receiver.messages)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(forwarder.cursor()).toBe(50);
    await forwarder.stop();
    await receiver.close();
    await store.close();
  });

  it('sends each signed checkpoint as its own message, after the record it covers, also one signed later', async () => {
    const { signer } = await createTestSigner(dir, 'pki-checkpoints');
    const store = new SqliteAuditStore({
      path: join(dir, 'audit-checkpoints.db'),
      instance: 'test',
      signer,
      checkpointEvery: 5,
    });
    const receiver = await startReceiver();
    const forwarder = new SyslogForwarder({
      host: '127.0.0.1',
      port: receiver.port,
      ca: readFileSync(join(dir, 'siem-pki/ca.crt'), 'utf8'),
      ...clientFiles,
      ...siemFeed(store),
      pollIntervalMs: 50,
    });
    forwarder.start();
    for (let i = 0; i < 12; i++)
      await store.append({ type: 'lookup', outcome: 'success', requestId: `c${i}` });
    const kinds = (): string[] =>
      receiver.messages.map((m) =>
        m.includes(' checkpoint [')
          ? `cp${/treeSize="(\d+)"/.exec(m)?.[1]}`
          : (/seq="(\d+)"/.exec(m)?.[1] ?? '?'),
      );
    await until(() => kinds().includes('12'));
    // Signed by the timer after record 12 went: sent on the next round.
    const late = store.checkpointIfBehind();
    expect(late?.treeSize).toBe(12);
    await until(() => kinds().includes('cp12'));
    const order = kinds();
    expect(order.indexOf('cp5')).toBe(order.indexOf('5') + 1);
    expect(order.indexOf('cp10')).toBe(order.indexOf('10') + 1);
    const message = receiver.messages.find((m) => m.includes('treeSize="10"')) ?? '';
    const { checkpoint } = JSON.parse(message.slice(message.indexOf('] ') + 2)) as {
      checkpoint: { treeSize: number; rootHash: string };
    };
    expect(checkpoint).toEqual(store.checkpoints(10, 10)[0]);
    await forwarder.stop();
    await receiver.close();
    await store.close();
  });

  it('refuses a SIEM whose certificate is not from the pinned CA', async () => {
    const { signer } = await createTestSigner(dir, 'pki2');
    const store = new SqliteAuditStore({ path: join(dir, 'audit2.db'), instance: 'test', signer });
    const receiver = await startReceiver();
    await CertificateAuthority.create(join(dir, 'impostor'));
    const forwarder = new SyslogForwarder({
      host: '127.0.0.1',
      port: receiver.port,
      ca: readFileSync(join(dir, 'impostor/ca.crt'), 'utf8'),
      ...clientFiles,
      ...siemFeed(store),
      pollIntervalMs: 50,
    });
    forwarder.start();
    await store.append({ type: 'lookup', outcome: 'success', requestId: 'x' });
    // The forwarder tried, and ended the handshake at the certificate it does not trust.
    await until(() => receiver.handshakeFailures.length > 0);
    expect(receiver.messages).toEqual([]);
    expect(forwarder.cursor()).toBe(0);
    await forwarder.stop();
    await receiver.close();
    await store.close();
  });
});
