/**
 * `gerbang health`: liveness for a container HEALTHCHECK or a load balancer probe on the host.
 * It completes a TLS handshake with the local gateway — where every command finds it, GERBANG_HOST
 * and GERBANG_PORT included — and checks that the gateway presents the configured server
 * certificate, then closes without a request: no client certificate is needed, nothing is
 * audited (a 401 every 30 s would fill the trail with noise), and the handshake proves the event
 * loop answers. Readiness (audit writable, CRL, breaker, clock) is /readyz.
 */
import { loadConfig } from '../config/index.ts';
import { formatHostPort } from '../config/endpoints.ts';
import { resolveInstance } from '../config/instance.ts';
import { probeGatewayIdentity } from './doctor/gateway-identity.ts';
import { CliError, say } from './output.ts';

export async function healthCommand(): Promise<void> {
  const instance = resolveInstance();
  const config = loadConfig(instance.configPath, { checkSecrets: false });
  const address = instance.endpoints(config).gatewayAddress();
  const where = formatHostPort(address);
  const identity = await probeGatewayIdentity(address, config.server.certFile, 3000);
  if (identity.kind !== 'ours') throw new CliError(`${where}: ${identity.reason}`);
  say(`ok: the gateway answers TLS on ${where}`);
}
