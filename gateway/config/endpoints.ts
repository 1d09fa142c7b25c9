/**
 * Where an instance's gateway and upstream are, with the demo's environment overrides applied —
 * the same answer for every command, so that a gateway started with `GERBANG_PORT=9443` is found
 * by `gerbang health` run with the same environment:
 *
 * - `GERBANG_HOST` / `GERBANG_PORT` replace `server.host` / `server.port`. Commands that listen
 *   (demo, serve) listen there; commands that connect (health, doctor, the retention self-test,
 *   verify-batch, the reader agent) connect there, `0.0.0.0` and `::` meaning this machine.
 * - `GERBANG_SIM_PORT` is where the simulator listens (demo, sim), and, because the demo's
 *   upstream is its simulator, it replaces the port of `upstream.baseUrl` for every command.
 *
 * Port 0 ("any free port") can only be listened on: a command that connects is told it cannot
 * know the port, rather than trying port 0.
 */
import type { GerbangConfig } from './schema.ts';

/** The environment's overrides, validated; absent when the variable is unset or empty. */
export interface EndpointOverrides {
  readonly host?: string;
  readonly port?: number;
  readonly simulatorPort?: number;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** An endpoint that cannot be used: a bad variable, or port 0 where a port must be known. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  /** `environment`: a GERBANG_* variable is wrong (a usage error); else the configuration. */
  readonly source: 'environment' | 'configuration';
  constructor(message: string, source: 'environment' | 'configuration') {
    super(message);
    this.source = source;
  }
}

const VARIABLES = {
  host: 'GERBANG_HOST',
  port: 'GERBANG_PORT',
  simulatorPort: 'GERBANG_SIM_PORT',
} as const;

// A host name or an IP literal (IPv6 unbracketed, as server.host takes it); nothing else, so that
// the value can be put in a URL and a message as it is.
const HOST_FORM = /^[A-Za-z0-9._:-]{1,253}$/;

function portFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new EndpointError(`${name} must be a port number from 0 to 65535`, 'environment');
  return Number(raw);
}

/** GERBANG_HOST, GERBANG_PORT and GERBANG_SIM_PORT; throws EndpointError naming a bad one. */
export function endpointOverridesFrom(env: NodeJS.ProcessEnv): EndpointOverrides {
  const host = env[VARIABLES.host];
  if (host !== undefined && host !== '' && !HOST_FORM.test(host))
    throw new EndpointError(
      `${VARIABLES.host} must be a host name or an IP address (such as 0.0.0.0)`,
      'environment',
    );
  const port = portFrom(env, VARIABLES.port);
  const simulatorPort = portFrom(env, VARIABLES.simulatorPort);
  return {
    ...(host === undefined || host === '' ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(simulatorPort === undefined ? {} : { simulatorPort }),
  };
}

/** The port of an http(s) URL, the scheme's default when it names none. */
export function portOfUrl(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** `host:port` for messages and URLs, IPv6 literals in brackets. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
}

export interface InstanceEndpoints {
  /** Where the gateway listens (demo, serve); port 0 is any free port. */
  readonly gatewayListen: HostPort;
  /** Where the simulator listens (demo, sim); port 0 is any free port. */
  readonly simulatorPort: number;
  /**
   * Where a command on this machine reaches the gateway: the listening address, with `0.0.0.0`
   * and `::` meaning 127.0.0.1. Throws EndpointError when the port is 0.
   */
  gatewayAddress(): HostPort & { readonly url: string };
  /** `upstream.baseUrl` with GERBANG_SIM_PORT as its port. Throws EndpointError on port 0. */
  upstreamBaseUrl(): string;
  /** The configuration as the gateway must run it: these endpoints in server and upstream. */
  applyTo(config: GerbangConfig, upstreamBaseUrl?: string): GerbangConfig;
}

const ANY_ADDRESS = new Set(['0.0.0.0', '::']);

/** Where a command on this machine connects to a server listening on `host`. */
export function connectableHost(host: string): string {
  return ANY_ADDRESS.has(host) ? '127.0.0.1' : host;
}

/** Port 0 where a port must be known: an environment (usage) or a configuration error. */
function portZero(what: string, setting: string, fromEnvironment: boolean): EndpointError {
  return fromEnvironment
    ? new EndpointError(
        `${setting} is 0 (any free port), which only a command that listens can use: the port of ${what} cannot be known here; set ${setting} to the port it listens on`,
        'environment',
      )
    : new EndpointError(
        `${setting} is 0 (any free port): the port of ${what} cannot be known here; configure the port it listens on`,
        'configuration',
      );
}

/** The instance's endpoints: the configuration's, with the overrides applied. */
export function instanceEndpoints(
  config: GerbangConfig,
  overrides: EndpointOverrides = {},
): InstanceEndpoints {
  const gatewayListen = {
    host: overrides.host ?? config.server.host,
    port: overrides.port ?? config.server.port,
  };
  let configuredUpstream: URL;
  try {
    configuredUpstream = new URL(config.upstream.baseUrl);
  } catch {
    throw new EndpointError('upstream.baseUrl is not a URL', 'configuration');
  }
  const simulatorPort = overrides.simulatorPort ?? portOfUrl(configuredUpstream);
  const upstreamBaseUrl = (): string => {
    const fromEnvironment = overrides.simulatorPort !== undefined;
    if (simulatorPort === 0)
      throw portZero(
        'the upstream',
        fromEnvironment ? VARIABLES.simulatorPort : 'the port of upstream.baseUrl',
        fromEnvironment,
      );
    if (!fromEnvironment) return config.upstream.baseUrl;
    const url = new URL(config.upstream.baseUrl);
    url.port = String(simulatorPort);
    // URL adds a slash to an empty path; keep the configured form otherwise.
    return config.upstream.baseUrl.endsWith('/') ? url.href : url.href.replace(/\/$/, '');
  };

  return {
    gatewayListen,
    simulatorPort,
    gatewayAddress() {
      const fromEnvironment = overrides.port !== undefined;
      if (gatewayListen.port === 0)
        throw portZero(
          'the gateway',
          fromEnvironment ? VARIABLES.port : 'server.port',
          fromEnvironment,
        );
      const address = {
        host: connectableHost(gatewayListen.host),
        port: gatewayListen.port,
      };
      return { ...address, url: `https://${formatHostPort(address)}` };
    },
    upstreamBaseUrl,
    applyTo(base, upstream = upstreamBaseUrl()) {
      return {
        ...base,
        server: { ...base.server, ...gatewayListen },
        upstream: { ...base.upstream, baseUrl: upstream },
      };
    },
  };
}
