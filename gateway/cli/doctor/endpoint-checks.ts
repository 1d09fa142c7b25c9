/**
 * The doctor's checks of what the instance talks to, each by a probe that reaches no application
 * code and asks for no data: its own gateway (a TLS handshake), Dukcapil (a request without NIK or
 * credentials, dukcapil-probe.ts), the SIEM (a mutual-TLS handshake) and the time-stamp
 * authority (a token over probe bytes, checked, with the TSA's time beside this host's).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { timestampAuthority } from '../../server/adapters.ts';
import {
  configuredUpstreams,
  DEFAULT_UPSTREAM,
  type GerbangConfig,
  type UpstreamConfig,
} from '../../config/index.ts';
import { EndpointError, formatHostPort, instanceEndpoints } from '../../config/endpoints.ts';
import { tlsHandshake } from '../tls-probe.ts';
import { probeDukcapil } from './dukcapil-probe.ts';
import { probeGatewayIdentity } from './gateway-identity.ts';
import { result, type CheckResult, type DoctorContext } from './context.ts';

/**
 * Whether this instance's gateway answers where every command looks for it (server.host and
 * server.port, or GERBANG_HOST and GERBANG_PORT): a TLS handshake, no request. Not running is a
 * warning (doctor also runs before the first start); something else on the port is a failure.
 */
export async function checkGateway(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  let address;
  try {
    address = instanceEndpoints(config, context.overrides).gatewayAddress();
  } catch (error) {
    if (error instanceof EndpointError) return result('gateway', 'skip', error.message);
    throw error;
  }
  const where = formatHostPort(address);
  const identity = await probeGatewayIdentity(
    address,
    config.server.certFile,
    context.thresholds.connectTimeoutMs,
  );
  switch (identity.kind) {
    case 'ours':
      return result('gateway', 'ok', `answers TLS on ${where} with server.certFile`);
    case 'absent':
      return result(
        'gateway',
        'warn',
        `nothing listens on ${where} (${identity.reason}): the gateway is not running${context.overrides?.port === undefined ? ' (one started with GERBANG_PORT is found by running doctor with the same variables)' : ''}`,
      );
    case 'other':
      return result(
        'gateway',
        'fail',
        `${where} is not this gateway (${identity.reason}): another process holds the port, or server.certFile is not the certificate it serves`,
      );
  }
}

/** One upstream's probe: ok, or fail with what answered (never its body). */
async function probeUpstream(
  baseUrl: string,
  upstream: UpstreamConfig,
  timeoutMs: number,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const probe = await probeDukcapil({
      baseUrl,
      consumer: upstream.consumer,
      profile: upstream.profile,
      region: upstream.region,
      timeoutMs,
      maxResponseBytes: upstream.maxResponseBytes,
    });
    if (!probe.ok)
      return {
        ok: false,
        detail: `${baseUrl} is not the Dukcapil CALL_NIK endpoint: it answered ${probe.reason}`,
      };
    return {
      ok: true,
      detail: `${baseUrl} answers as Dukcapil (HTTP 200 with its envelope in ${probe.ms} ms; ${probe.respon === undefined ? 'no RESPON' : `RESPON: ${probe.respon}`}, as expected of a request without credentials)`,
    };
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : ((error as NodeJS.ErrnoException).code ?? (error as Error).name);
    return { ok: false, detail: `${baseUrl} cannot be reached (${reason})` };
  }
}

/**
 * Whether Dukcapil's CALL_NIK endpoint answers at upstream.baseUrl (GERBANG_SIM_PORT replacing its
 * port), and at each of `upstreams` (as configured). The probe sends no NIK and no credentials,
 * so it asks for no data and spends no quota; only HTTP 200 with the Dukcapil envelope is
 * healthy (dukcapil-probe.ts). One line for all: any upstream failing fails it, naming which.
 */
export async function checkUpstream(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  let defaultBaseUrl: string;
  try {
    defaultBaseUrl = instanceEndpoints(config, context.overrides).upstreamBaseUrl();
  } catch (error) {
    if (error instanceof EndpointError) return result('upstream', 'fail', error.message);
    throw error;
  }
  const upstreams = configuredUpstreams(config);
  const probes = await Promise.all(
    upstreams.map(async ([name, upstream]) => ({
      name,
      ...(await probeUpstream(
        name === DEFAULT_UPSTREAM ? defaultBaseUrl : upstream.baseUrl,
        upstream,
        context.thresholds.connectTimeoutMs,
      )),
    })),
  );
  // With one upstream the line reads as it always did; with several each part names its upstream.
  const detail = probes
    .map((probe) => (upstreams.length === 1 ? probe.detail : `${probe.name}: ${probe.detail}`))
    .join('; ');
  return result('upstream', probes.every((probe) => probe.ok) ? 'ok' : 'fail', detail);
}

/** A mutual-TLS handshake with the SIEM, with the certificate the forwarder uses. */
export async function checkSiem(
  config: GerbangConfig,
  context: DoctorContext,
): Promise<CheckResult> {
  const siem = config.siem;
  if (siem === undefined)
    return result(
      'siem',
      'warn',
      'no SIEM configured: the audit trail has no copy off this machine (ISO 27001 8.15)',
    );
  const outcome = await tlsHandshake(
    {
      host: siem.host,
      port: siem.port,
      ca: readFileSync(siem.caFile),
      cert: readFileSync(siem.certFile),
      key: readFileSync(siem.keyFile),
      ...(siem.serverName === undefined ? {} : { servername: siem.serverName }),
    },
    context.thresholds.connectTimeoutMs,
  );
  return outcome.ok
    ? result('siem', 'ok', `${siem.host}:${siem.port} accepts the gateway over TLS`)
    : result(
        'siem',
        'fail',
        `${siem.host}:${siem.port} cannot be reached over TLS (${outcome.reason})`,
      );
}

/** How far this host's clock may be from the TSA's before the doctor warns. */
const TSA_CLOCK_TOLERANCE_MS = 60_000;

/**
 * A token from the time-stamp authority over random probe bytes, checked as the gateway checks
 * every token; the TSA's time beside this host's, which is a clock check by a clock the appliance
 * does not control.
 */
export async function checkTimestampAuthority(config: GerbangConfig): Promise<CheckResult> {
  const open = timestampAuthority(config);
  if (open === undefined)
    return result(
      'time-stamp authority',
      'skip',
      'none configured (optional): checkpoints are not time-stamped (docs/audit.md)',
    );
  const authority = open();
  try {
    const asked = Date.now();
    const token = await authority.stamp(randomBytes(32));
    const offsetMs = asked - token.genTime.getTime();
    const where = `${authority.target} (${token.authority})`;
    if (Math.abs(offsetMs) > TSA_CLOCK_TOLERANCE_MS)
      return result(
        'time-stamp authority',
        'warn',
        `${where} gives checked tokens, but this host's clock is ${Math.round(offsetMs / 1000)} s off the TSA's: time-stamps will name the checkpoints as mistimed`,
      );
    return result(
      'time-stamp authority',
      'ok',
      `${where} gives checked tokens; this host's clock is within ${TSA_CLOCK_TOLERANCE_MS / 1000} s of the TSA's`,
    );
  } catch (error) {
    return result(
      'time-stamp authority',
      'fail',
      `${authority.target}: ${(error as Error).message}`,
    );
  } finally {
    await authority.close();
  }
}
