/**
 * `gerbang health`: liveness for a container HEALTHCHECK or a load balancer probe on the host.
 * It completes a TLS handshake with the local gateway and checks that the gateway presents the
 * configured server certificate, then closes without a request: no client certificate is needed,
 * nothing is audited (a 401 every 30 s would fill the trail with noise), and the handshake proves
 * the event loop answers. Readiness (audit writable, CRL, breaker, clock) is /readyz.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/index.ts';
import { locateInstance } from '../config/instance.ts';
import { tlsHandshake } from '../tls/probe.ts';
import { CliError, EXIT, say } from './output.ts';

export async function healthCommand(args: string[]): Promise<void> {
  if (args.length > 0) throw new CliError('usage: gerbang health', EXIT.usage);
  const config = loadConfig(locateInstance().configPath, { checkSecrets: false });
  const expected = new X509Certificate(readFileSync(config.server.certFile)).fingerprint256;
  const host = ['0.0.0.0', '::'].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const where = `${host}:${config.server.port}`;
  // The identity is checked below against the configured certificate itself.
  const outcome = await tlsHandshake(
    { host, port: config.server.port, rejectUnauthorized: false },
    3000,
  );
  if (!outcome.ok) throw new CliError(`${where}: ${outcome.reason}`);
  const presented = outcome.peer.fingerprint256;
  if (presented !== expected)
    throw new CliError(`${where} presents another certificate than server.certFile`);
  say(`ok: the gateway answers TLS on ${where}`);
}
