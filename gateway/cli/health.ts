/**
 * `gerbang health`: liveness for a container HEALTHCHECK or a load balancer probe on the host.
 * It completes a TLS handshake with the local gateway and checks that the gateway presents the
 * configured server certificate, then closes without a request: no client certificate is needed,
 * nothing is audited (a 401 every 30 s would fill the trail with noise), and the handshake proves
 * the event loop answers. Readiness (audit writable, CRL, breaker, clock) is /readyz.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { loadConfig } from '../config/index.ts';
import { locateInstance } from '../config/instance.ts';
import { CliError, EXIT, say } from './output.ts';

export async function healthCommand(args: string[]): Promise<void> {
  if (args.length > 0) throw new CliError('usage: gerbang health', EXIT.usage);
  const config = loadConfig(locateInstance().configPath, { checkSecrets: false });
  const expected = new X509Certificate(readFileSync(config.server.certFile)).fingerprint256;
  const host = ['0.0.0.0', '::'].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const presented = await new Promise<string>((resolve, reject) => {
    const socket = connect({
      host,
      port: config.server.port,
      // The identity is checked below against the configured certificate itself.
      rejectUnauthorized: false,
      timeout: 3000,
    });
    socket.once('secureConnect', () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fingerprint);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new CliError(`no TLS answer from ${host}:${config.server.port} within 3 s`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reject(new CliError(`${host}:${config.server.port}: ${error.code ?? error.message}`));
    });
  });
  if (presented !== expected)
    throw new CliError(
      `${host}:${config.server.port} presents another certificate than server.certFile`,
    );
  say(`ok: the gateway answers TLS on ${host}:${config.server.port}`);
}
