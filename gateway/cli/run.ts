/** Long-running commands (demo, serve, sim) and `config check`. */
import { relative, isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig, readSecretText, type GerbangConfig } from '../config/index.ts';
import { locateInstance } from '../config/instance.ts';
import { demoReaderFiles, ensureDemoInstance } from '../demo/instance.ts';
import { readFileSync } from 'node:fs';
import { samEnrolment } from '../readers/verify.ts';
import { SYSTEM_PRINCIPAL, type RunningGateway } from '../server.ts';
import { createLogger } from '../logging.ts';
import { startGateway } from '../server.ts';
import { CliError, EXIT, say } from './output.ts';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`${name} must be a port number (0-65535)`, EXIT.usage);
  return port;
}

function portOf(url: string): number {
  return Number(new URL(url).port || 80);
}

/** Paths printed for people: relative to the working directory when that is shorter. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

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

/** Loaded on demand: `gerbang serve` never holds the simulator's population (and its canaries). */
async function startSimulatorFor(config: GerbangConfig, port: number) {
  const { startSimulator } = await import('../../adapters/dukcapil-sim/index.ts');
  return startSimulator({
    host: '127.0.0.1',
    port,
    consumer: config.upstream.consumer,
    userId: config.upstream.userId,
    password: readSecretText(config.upstream.passwordFile),
    allowedIps: [config.upstream.ipUser],
  });
}

/** On first start, enrol and activate reader-01 with the demo SAM (as an administrator would). */
async function enrolDemoReader(gateway: RunningGateway, pkiDir: string): Promise<void> {
  if (gateway.readers === undefined || gateway.policy.registry.reader('reader-01') !== undefined)
    return;
  const context = { principal: { ...SYSTEM_PRINCIPAL, id: 'gerbang-demo' }, now: Date.now() };
  await gateway.policy.admin.enrolReader(context, {
    id: 'reader-01',
    ...samEnrolment(readFileSync(demoReaderFiles(pkiDir).samCertificate, 'utf8')),
  });
  await gateway.policy.admin.changeReader(context, {
    id: 'reader-01',
    action: 'activate',
    reason: 'demo reader with the demo SAM',
  });
}

export async function demoCommand(args: string[]): Promise<void> {
  if (args.length > 0) throw new CliError('usage: gerbang demo', EXIT.usage);
  const location = locateInstance();
  const created = await ensureDemoInstance(location, { gateway: 8443, simulator: 8081 });
  const config = loadConfig(location.configPath);
  const simulator = await startSimulatorFor(
    config,
    portFromEnv('GERBANG_SIM_PORT', portOf(config.upstream.baseUrl)),
  );
  // Logs go to stderr so that the summary below stays readable on stdout.
  const logger = createLogger(config.logging.level, pino.destination(2));
  const gateway = await startGateway(
    {
      ...config,
      server: {
        ...config.server,
        // In a container the demo must listen on every interface to be reached through a port.
        host: process.env['GERBANG_HOST'] ?? config.server.host,
        port: portFromEnv('GERBANG_PORT', config.server.port),
      },
      upstream: { ...config.upstream, baseUrl: simulator.url },
    },
    { logger, dataDir: location.dataDir },
  );
  onShutdown(async () => {
    await gateway.close();
    await simulator.close();
  });
  await enrolDemoReader(gateway, location.pkiDir);

  const pki = (file: string): string => displayPath(`${location.pkiDir}/${file}`);
  const body = JSON.stringify({
    nik: '6474015709900001',
    purpose: 'pendaftaran-wp',
    reference: 'DEMO-0001',
  });
  say(`Gerbang demo ${created ? '(new instance created)' : '(existing instance)'}
  gateway           ${gateway.url}   (mutual TLS; OpenAPI at /openapi.json)
  Dukcapil simulator ${simulator.url}   (control endpoints under /__sim/)
  data directory    ${displayPath(location.dataDir)}
  audit trail       ${displayPath(`${location.dataDir}/audit.db`)}   (verify: npx gerbang audit verify)
  configuration     ${displayPath(location.configPath)}
  CA certificate    ${pki('ca.crt')}
  client certs      ${pki('clients')}/<id>.crt, .key, .p12 (+ .p12.password)
                    app-pendaftaran, app-kasir, officer-1, evaluator-1, admin-1, reader-01
  agreement         ${config.agreements[0]?.number ?? '-'} (${config.agreements[0]?.validFrom ?? ''} to ${config.agreements[0]?.validUntil ?? ''}, ${config.agreements[0]?.timeZone ?? ''})

Try a lookup:
curl --cacert ${pki('ca.crt')} --cert ${pki('clients/app-pendaftaran.crt')} --key ${pki('clients/app-pendaftaran.key')} -H 'Content-Type: application/json' -H 'X-Operator-Id: petugas.demo' -d '${body}' ${gateway.url}/v1/nik/lookup

Press Ctrl-C to stop.`);
}

export async function serveCommand(args: string[]): Promise<void> {
  if (args.length > 0) throw new CliError('usage: gerbang serve', EXIT.usage);
  const location = locateInstance();
  const config = loadConfig(location.configPath);
  const gateway = await startGateway(config, { dataDir: location.dataDir });
  onShutdown(() => gateway.close());
}

export async function simCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } }, strict: true });
  const config = loadConfig(locateInstance().configPath);
  const port = values.port === undefined ? portOf(config.upstream.baseUrl) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError('--port must be a port number', EXIT.usage);
  const simulator = await startSimulatorFor(config, port);
  say(`Dukcapil simulator listening on ${simulator.url}`);
  onShutdown(() => simulator.close());
}

export function configCommand(args: string[]): Promise<void> {
  if (args[0] !== 'check' || args.length > 1)
    throw new CliError('usage: gerbang config check', EXIT.usage);
  const { configPath } = locateInstance();
  const config = loadConfig(configPath);
  say(
    `configuration ${configPath} is valid: ${Object.keys(config.principals).length} principals, ${config.agreements.length} agreement(s)`,
  );
  return Promise.resolve();
}
