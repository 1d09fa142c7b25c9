/**
 * The rsyslog relay of deploy/rsyslog/gerbang-relay.conf, run for real: Gerbang's forwarder
 * sends audit records over mutual TLS to rsyslogd, which passes them on as plain RFC 5424 syslog
 * over TCP to a receiver standing in for Wazuh. Only the site values (file paths, ports) are
 * replaced. A client whose certificate does not name the gateway is not relayed.
 * Needs rsyslogd and its GnuTLS driver (.ci/run installs both; test/helpers/tools.ts says what
 * happens without them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteAuditStore } from '../audit/store/index.ts';
import { SyslogForwarder } from '../adapters/syslog/index.ts';
import { CertificateAuthority } from '../certs/index.ts';
import { createTestSigner } from './helpers/audit-signer.ts';
import { until } from './helpers/until.ts';
import { freePort, ROOT } from './helpers/child-gateway.ts';
import { stopChild, tracked } from './helpers/processes.ts';
import { describeWithTools, firstExisting } from './helpers/tools.ts';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const NEEDS = {
  rsyslogd: existsSync(RSYSLOGD),
  'rsyslog-gnutls (lmnsd_gtls.so)':
    firstExisting(
      '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so',
      '/usr/lib64/rsyslog/lmnsd_gtls.so',
    ) !== undefined,
};

let dir: string;
let relay: ChildProcess | undefined;
let plain: Server;
const lines: string[] = [];
let relayPort = 0;
let files: Record<'ca' | 'gatewayCert' | 'gatewayKey' | 'intruderCert' | 'intruderKey', string>;

async function startRelay(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-relay-'));
  const ca = await CertificateAuthority.create(join(dir, 'pki'), { name: 'SIEM CA' });
  const server = await ca.issue({
    kind: 'server',
    id: 'relay',
    role: 'siem',
    altNames: ['127.0.0.1'],
  });
  const gateway = await ca.issue({ kind: 'client', id: 'gerbang.bapenda.local', role: 'siem' });
  const intruder = await ca.issue({ kind: 'client', id: 'intruder.local', role: 'siem' });
  files = {
    ca: join(dir, 'pki/ca.crt'),
    gatewayCert: gateway.certificatePath,
    gatewayKey: gateway.keyPath,
    intruderCert: intruder.certificatePath,
    intruderKey: intruder.keyPath,
  };

  // Wazuh's plain syslog listener, as far as the relay can tell.
  plain = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
    });
  });
  const plainPort = await freePort();
  await new Promise<void>((resolve) => plain.listen(plainPort, '127.0.0.1', resolve));
  relayPort = await freePort();

  const shipped = readFileSync(join(ROOT, 'deploy/rsyslog/gerbang-relay.conf'), 'utf8');
  const site = shipped
    .replace('workDirectory="/var/spool/rsyslog"', `workDirectory="${join(dir, 'spool')}"`)
    .replace('/etc/rsyslog.d/gerbang/ca.crt', files.ca)
    .replace('/etc/rsyslog.d/gerbang/relay.crt', server.certificatePath)
    .replace('/etc/rsyslog.d/gerbang/relay.key', server.keyPath)
    .replace('input(type="imtcp" port="6514"', `input(type="imtcp" port="${relayPort}"`)
    .replace('target="127.0.0.1" port="514"', `target="127.0.0.1" port="${plainPort}"`);
  expect(site).not.toBe(shipped);
  mkdirSync(join(dir, 'spool'));
  writeFileSync(join(dir, 'relay.conf'), site);
  const check = spawnSync(RSYSLOGD, ['-N1', '-f', join(dir, 'relay.conf')], { encoding: 'utf8' });
  expect(check.status, check.stderr).toBe(0);
  relay = tracked(
    spawn(RSYSLOGD, ['-n', '-f', join(dir, 'relay.conf'), '-i', join(dir, 'rsyslogd.pid')], {
      stdio: 'ignore',
    }),
  );
}

async function stopRelay(): Promise<void> {
  if (relay) await stopChild(relay);
  await new Promise<void>((resolve) => {
    plain.close(() => {
      resolve();
    });
  });
  rmSync(dir, { recursive: true, force: true });
}

async function forwardRecords(
  cert: string,
  key: string,
  count: number,
  onStateChange?: (state: 'connected' | 'disconnected') => void,
): Promise<{ stop: () => Promise<void> }> {
  const storeDir = mkdtempSync(join(dir, 'store-'));
  const { signer } = await createTestSigner(storeDir);
  const store = new SqliteAuditStore({
    path: join(storeDir, 'audit.db'),
    instance: 'relay',
    signer,
  });
  const forwarder = new SyslogForwarder({
    host: '127.0.0.1',
    port: relayPort,
    ca: readFileSync(files.ca, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
    key: readFileSync(key),
    cursor: store.cursor('siem'),
    readRecords: (after, limit) => [...store.records(after + 1, after + limit)],
    pollIntervalMs: 50,
    ...(onStateChange === undefined ? {} : { onStateChange }),
  });
  forwarder.start();
  for (let i = 0; i < count; i++)
    await store.append({ type: 'lookup', outcome: 'success', requestId: `relay-${i}` });
  return {
    stop: async () => {
      await forwarder.stop();
      await store.close();
    },
  };
}

describeWithTools('the rsyslog relay (deploy/rsyslog/gerbang-relay.conf)', NEEDS, () => {
  beforeAll(startRelay, 60_000);
  afterAll(stopRelay);

  it('relays every record from the gateway as plain RFC 5424, structured data and JSON intact', async () => {
    const sending = await forwardRecords(files.gatewayCert, files.gatewayKey, 20);
    await until(() => new Set(lines.map((l) => /seq="(\d+)"/.exec(l)?.[1])).size >= 20);
    await sending.stop();
    const first = lines.find((l) => l.includes('seq="1"')) ?? '';
    expect(first).toMatch(
      /^<\d+>1 \S+ \S+ gerbang \d+ lookup \[gerbang@32473 seq="1" type="lookup" outcome="success" hash="[0-9a-f]{64}"\] \{/,
    );
    expect(JSON.parse(first.slice(first.indexOf('] ') + 2))).toMatchObject({
      seq: 1,
      requestId: 'relay-0',
    });
  }, 60_000);

  it('does not relay a sender whose certificate does not name the gateway', async () => {
    const before = lines.length;
    let closedByRelay = 0;
    const sending = await forwardRecords(files.intruderCert, files.intruderKey, 5, (state) => {
      if (state === 'disconnected') closedByRelay++;
    });
    // The relay ends the session at its name check; and again when the forwarder tries anew.
    await until(() => closedByRelay >= 2);
    await sending.stop();
    expect(lines.slice(before).filter((l) => l.includes('relay-'))).toEqual([]);
  }, 30_000);
});
