/**
 * For `npm run bench` only: the gateway application with its audit in memory instead of the
 * durable store, so that the bench can show what durable auditing costs. Same configuration,
 * TLS, policy and upstream client as `gerbang serve`. Never a way to run the appliance.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { DukcapilHttpClient } from '../adapters/dukcapil/index.ts';
import { createSubjectHasher, InMemoryAuditTrail, type AuditLogReader } from '../audit/index.ts';
import { createApp } from '../gateway/app.ts';
import { loadConfig, readSecretBytes, readSecretText } from '../gateway/config/index.ts';
import { locateInstance } from '../gateway/config/instance.ts';
import { createGatewayMetrics } from '../gateway/metrics.ts';
import { listenTls } from '../gateway/server.ts';
import { createPolicyServices, StateDb } from '../gateway/policy/index.ts';
import { join } from 'node:path';
import { nodeTlsConnection } from '../gateway/tls/peer.ts';
import { CrlFile } from '../gateway/tls/revocation.ts';
import { fromPem, parseCertificateDer } from '../certs/index.ts';

const config = loadConfig(locateInstance().configPath);
const port = Number(process.env['BENCH_PORT']);
const clientCaPem = readFileSync(config.server.clientCaFile, 'utf8');
const revocation = new CrlFile(
  config.server.crlFile,
  parseCertificateDer(fromPem(clientCaPem, 'CERTIFICATE')),
);
await revocation.refresh(true);
const audit = new InMemoryAuditTrail();
const subjectHasher = createSubjectHasher(readSecretBytes(config.audit.hmacKeyFile));
const policy = createPolicyServices({
  config,
  state: new StateDb(join(locateInstance().dataDir, 'bench-state.db')),
  audit,
  subjectHasher,
  wall: Date.now,
  monotonic: () => performance.now(),
});
const unsupported = (): never => {
  throw new Error('not available in the bench variant');
};
const auditLog: AuditLogReader = {
  query: unsupported,
  verify: unsupported,
  exportLines: unsupported,
  seqAtTime: unsupported,
};
const { app } = createApp({
  config,
  upstream: new DukcapilHttpClient({
    ...config.upstream,
    password: readSecretText(config.upstream.passwordFile),
  }),
  audit,
  auditLog,
  caCertificatePem: clientCaPem,
  subjectHasher,
  policy,
  connection: nodeTlsConnection,
  revocation,
  metrics: createGatewayMetrics(),
  logger: pino({ level: config.logging.level }),
  now: Date.now,
});
// The in-memory trail would grow without bound under load; keep it empty.
setInterval(() => audit.events.splice(0), 1000).unref();
await listenTls(app.fetch, { ...config.server, port }, clientCaPem);
