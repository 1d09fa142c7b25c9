/**
 * Long-running commands (demo, serve, sim) and `config check`. Each finds its instance, ports
 * and addresses through resolveInstance, as every command does (config/endpoints.ts).
 */
import { isRefusedByTheDisk, StorageUnavailable } from '../../adapters/sqlite/port.ts';
import { AuditWriteError } from '../../audit/store/index.ts';
import { loadConfig, readSecretText, type GerbangConfig } from '../config/index.ts';
import { connectableHost, formatHostPort } from '../config/endpoints.ts';
import { resolveInstance, type InstanceLocation } from '../config/instance.ts';
import {
  demoPkiExpiredOn,
  demoReaderFiles,
  ensureDemoInstance,
  keepDemoCrlFresh,
  refreshDemoCrlIfDue,
} from './demo/instance.ts';
import { DEMO_PRINCIPAL, renewDemoAgreementIfDue, type DemoRenewal } from './demo/renewal.ts';
import { SYSTEM_PRINCIPAL, type PolicyRegistry } from '../services/index.ts';
import { openOfflineServices } from './offline-services.ts';
import { readFileSync } from 'node:fs';
import { samEnrolment } from '../services/readers/card-read-verifier.ts';
import type { RunningGateway } from '../server/start.ts';
import {
  createLogDestination,
  createLogger,
  guardStandardStreams,
} from '../observability/logging.ts';
import { startGateway } from '../server/start.ts';
import { portOption } from './args.ts';
import { CliError, displayPath, EXIT, say, warn } from './output.ts';

function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const handler = (): void => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(EXIT.ok),
      () => process.exit(EXIT.failure),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const START_RETRY_MS = 5_000;

/** A start refused by the disk (full, read-only, failing), not by the configuration. */
const isDiskRefusal = (error: unknown): boolean =>
  error instanceof AuditWriteError || isRefusedByTheDisk(error);

/**
 * Starts the gateway; while the disk refuses the start (the audit record of the start cannot be
 * written), says so on stderr — at once, then once a minute — and tries again every five
 * seconds, so that freeing space is enough. Anything else fails the command as before.
 */
async function startWhenTheDiskAllows(
  start: () => Promise<RunningGateway>,
): Promise<RunningGateway> {
  let reportedAt = -Infinity;
  for (;;) {
    try {
      return await start();
    } catch (error) {
      if (!isDiskRefusal(error)) throw error;
      if (performance.now() - reportedAt >= 60_000) {
        reportedAt = performance.now();
        warn(
          `gerbang: the gateway cannot start yet: ${(error as Error).message}; retrying every ${String(START_RETRY_MS / 1000)} s until the disk has room (Ctrl-C stops)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, START_RETRY_MS));
    }
  }
}

/** A port someone else holds: say whose variable moves it, instead of Node's EADDRINUSE text. */
function portTaken(what: string, variable: string): (error: unknown) => never {
  return (error) => {
    const { code, address, port } = error as NodeJS.ErrnoException & {
      address?: string;
      port?: number;
    };
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    throw new CliError(
      `${what} cannot listen on ${address ?? ''}:${String(port ?? '')} (${code === 'EACCES' ? 'not permitted' : 'another process holds it'}): stop that process, or choose another port with ${variable}`,
    );
  };
}

/** Loaded on demand: `gerbang serve` never holds the simulator's population (and its canaries). */
async function startSimulatorFor(config: GerbangConfig, port: number) {
  const { startSimulator } = await import('../../adapters/dukcapil-sim/index.ts');
  const { resolveUpstreamProfile } = await import('../../adapters/dukcapil/profile.ts');
  return startSimulator({
    host: '127.0.0.1',
    port,
    // The endpoint the instance is configured for: the simulator speaks its profile.
    profile: resolveUpstreamProfile(config.upstream.profile),
    ...(config.upstream.region === undefined ? {} : { region: config.upstream.region }),
    consumer: config.upstream.consumer,
    userId: config.upstream.userId,
    password: readSecretText(config.upstream.passwordFile),
    allowedIps: [config.upstream.ipUser],
  });
}

/**
 * Enrols reader-01 with the demo SAM on first start, and switches it on (as an administrator
 * would) when it is new or was switched off by the gateway at the end of an agreement; a reader
 * an administrator deactivated or blacklisted stays as they left it.
 */
async function enrolDemoReader(gateway: RunningGateway, pkiDir: string): Promise<void> {
  try {
    await enrolDemoReaderNow(gateway, pkiDir);
  } catch (error) {
    if (!(error instanceof StorageUnavailable) && !isDiskRefusal(error)) throw error;
    warn(`gerbang: the demo could not switch reader-01 on: ${(error as Error).message}`);
  }
}

async function enrolDemoReaderNow(gateway: RunningGateway, pkiDir: string): Promise<void> {
  if (gateway.readers === undefined) return;
  const context = { principal: DEMO_PRINCIPAL, now: Date.now() };
  if (gateway.policy.registry.reader('reader-01') === undefined)
    await gateway.policy.admin.enrolReader(context, {
      id: 'reader-01',
      ...samEnrolment(readFileSync(demoReaderFiles(pkiDir).samCertificate, 'utf8')),
    });
  const reader = gateway.policy.registry.reader('reader-01');
  const switchedOffByGateway =
    reader?.state === 'deactivated' && reader.changedBy === SYSTEM_PRINCIPAL.id;
  if (reader?.state === 'enrolled' || switchedOffByGateway)
    await gateway.policy.admin.changeReader(context, {
      id: 'reader-01',
      action: 'activate',
      reason: 'demo reader with the demo SAM',
    });
}

/** Demo mode only: renew the demo agreement when it ends soon or has ended (gateway/cli/demo/renewal). */
async function renewDemoAgreement(location: InstanceLocation): Promise<DemoRenewal | undefined> {
  let services;
  try {
    services = await openOfflineServices(location);
    return await renewDemoAgreementIfDue(services.policy, Date.now());
  } catch (error) {
    // A full disk or an unreadable state.db: the gateway starts anyway and says what it can't do.
    if (!isDiskRefusal(error) && !(error instanceof StorageUnavailable)) throw error;
    warn(`gerbang: the demo could not check its agreement: ${(error as Error).message}`);
    return undefined;
  } finally {
    await services?.close();
  }
}

function describeAgreement(registry: PolicyRegistry): string {
  if (!registry.stateReadable()) return 'unknown: state.db cannot be read (gerbang doctor)';
  const inForce = registry.inForce(Date.now());
  if (inForce === undefined) return 'none';
  const { terms, state } = inForce;
  return `${terms.number}, ${state} (${terms.validFrom} to ${terms.validUntil}, ${terms.timeZone})`;
}

export async function demoCommand(): Promise<void> {
  guardStandardStreams();
  const location = resolveInstance();
  const created = await ensureDemoInstance(location, { gateway: 8443, simulator: 8081 });
  const config = loadConfig(location.configPath);
  const endpoints = location.endpoints(config);
  const pkiEnded = demoPkiExpiredOn(location.pkiDir, Date.now());
  if (pkiEnded !== undefined)
    throw new CliError(
      `the demo certificates in ${displayPath(location.pkiDir)} expired on ${pkiEnded}: move ${displayPath(location.dataDir)} aside (or set GERBANG_DATA_DIR) and run the demo again to create a new instance`,
      EXIT.config,
    );
  // Before the gateway starts, so that it never sees the demo agreement or its CRL lapse.
  const renewal = await renewDemoAgreement(location);
  await refreshDemoCrlIfDue(location.pkiDir, Date.now());
  const simulator = await startSimulatorFor(config, endpoints.simulatorPort).catch(
    portTaken('the simulator', 'GERBANG_SIM_PORT'),
  );
  // Logs go to stderr so that the summary below stays readable on stdout.
  const logs = createLogDestination(2);
  const logger = createLogger(config.logging.level, logs.stream);
  const gateway = await startWhenTheDiskAllows(() =>
    startGateway(
      // GERBANG_HOST/GERBANG_PORT applied (in a container the demo must listen on every interface
      // to be reached through a port); the upstream is the simulator, wherever it came up.
      endpoints.applyTo(config, simulator.url),
      { logger, logWrites: logs.stats, dataDir: location.dataDir },
    ),
  ).catch(async (error: unknown) => {
    await simulator.close();
    return portTaken('the gateway', 'GERBANG_PORT')(error);
  });
  // Running for months: the CRL is renewed before it lapses, as it was at the start.
  const stopCrlRenewal = keepDemoCrlFresh(location.pkiDir, (error) => {
    logger.error(
      { event: 'demo_crl_renewal_failed', reason: (error as Error).message },
      'could not republish the demo CRL; it is tried again in an hour',
    );
  });
  onShutdown(async () => {
    stopCrlRenewal();
    await gateway.close();
    await simulator.close();
    logs.flush();
  });
  await enrolDemoReader(gateway, location.pkiDir);

  const pki = (file: string): string => displayPath(`${location.pkiDir}/${file}`);
  // Listening on every interface (a container): the printed commands reach it on this machine,
  // by a name its certificate carries.
  const url = `https://${formatHostPort({
    host: connectableHost(endpoints.gatewayListen.host),
    port: gateway.port,
  })}`;
  const body = JSON.stringify({
    nik: '6474015709900001',
    purpose: 'pendaftaran-wp',
    reference: 'DEMO-0001',
  });
  say(`Gerbang demo ${created ? '(new instance created)' : '(existing instance)'}
  gateway           ${url}   (mutual TLS; OpenAPI at /openapi.json)
  Dukcapil simulator ${simulator.url}   (control endpoints under /__sim/)
  data directory    ${displayPath(location.dataDir)}
  audit trail       ${displayPath(`${location.dataDir}/audit.db`)}   (verify: npx gerbang audit verify)
  configuration     ${displayPath(location.configPath)}
  CA certificate    ${pki('ca.crt')}
  client certs      ${pki('clients')}/<id>.crt, .key, .p12 (+ .p12.password)
                    app-pendaftaran, app-kasir, officer-1, evaluator-1, admin-1, reader-01
  clerk portal      ${url}/portal/   with ${pki('clients/petugas-01.p12')} (operator of app-pendaftaran)
  agreement         ${describeAgreement(gateway.policy.registry)}${renewal === undefined ? '' : `\n                    (renewed now by the demo, which renews its agreement when it ends)`}

Try a lookup:
curl --cacert ${pki('ca.crt')} --cert ${pki('clients/app-pendaftaran.crt')} --key ${pki('clients/app-pendaftaran.key')} -H 'Content-Type: application/json' -H 'X-Operator-Id: petugas.demo' -d '${body}' ${url}/v1/nik/lookup

Press Ctrl-C to stop.`);
}

export async function serveCommand(): Promise<void> {
  guardStandardStreams();
  const location = resolveInstance();
  const config = loadConfig(location.configPath);
  const gateway = await startWhenTheDiskAllows(() =>
    startGateway(location.endpoints(config).applyTo(config), { dataDir: location.dataDir }),
  ).catch(portTaken('the gateway', 'GERBANG_PORT'));
  onShutdown(() => gateway.close());
}

/** `--port`, else GERBANG_SIM_PORT, else the port of upstream.baseUrl. */
export async function simCommand(values: { port: string | undefined }): Promise<void> {
  guardStandardStreams();
  const location = resolveInstance();
  const config = loadConfig(location.configPath);
  const port = portOption('--port', values.port, location.endpoints(config).simulatorPort);
  const simulator = await startSimulatorFor(config, port).catch(
    portTaken('the simulator', 'GERBANG_SIM_PORT'),
  );
  say(`Dukcapil simulator listening on ${simulator.url}`);
  onShutdown(() => simulator.close());
}

export function configCheckCommand(): Promise<void> {
  const { configPath } = resolveInstance();
  const config = loadConfig(configPath);
  say(
    `configuration ${configPath} is valid: ${Object.keys(config.principals).length} principals, ${config.agreements.length} agreement(s)`,
  );
  return Promise.resolve();
}
