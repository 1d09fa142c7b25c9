/**
 * How command-line clients of the gateway (reader agent, bulk verification, the retention
 * self-test) find it when not told `--gateway URL`: where every command finds it, the instance's
 * server.host/port with GERBANG_HOST/GERBANG_PORT applied (config/endpoints.ts). Their
 * certificates come from `clientCredentials` (config/instance).
 */
import { existsSync } from 'node:fs';
import { loadConfig, type GerbangConfig } from '../config/index.ts';
import { EndpointError } from '../config/endpoints.ts';
import type { Instance } from '../config/instance.ts';
import { CliError, EXIT } from './output.ts';

/** The gateway's URL for this instance; `config` when the caller has loaded it already. */
export function instanceGatewayUrl(instance: Instance, config?: GerbangConfig): string {
  if (config === undefined && !existsSync(instance.configPath))
    throw new CliError(
      `pass --gateway URL: there is no instance configuration at ${instance.configPath} to find the gateway in`,
      EXIT.usage,
    );
  try {
    return instance
      .endpoints(config ?? loadConfig(instance.configPath, { checkSecrets: false }))
      .gatewayAddress().url;
  } catch (error) {
    if (error instanceof EndpointError)
      throw new EndpointError(`${error.message}, or pass --gateway URL`, error.source);
    throw error;
  }
}
