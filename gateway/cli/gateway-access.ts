/**
 * How command-line clients of the gateway (reader agent, bulk verification) find it: the
 * instance's port on loopback. Their certificates come from `clientCredentials` (config/instance).
 */
import { loadConfig } from '../config/index.ts';
import type { InstanceLocation } from '../config/instance.ts';

/** GERBANG_PORT (as `gerbang demo` honours it), else the configured port, else 8443. */
export function defaultGatewayUrl(
  location: InstanceLocation,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromEnv = Number(env['GERBANG_PORT']);
  if (Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536)
    return `https://127.0.0.1:${String(fromEnv)}`;
  let port = 8443;
  try {
    port = loadConfig(location.configPath).server.port;
  } catch {
    // No readable configuration here: the documented default port.
  }
  return `https://127.0.0.1:${String(port)}`;
}
