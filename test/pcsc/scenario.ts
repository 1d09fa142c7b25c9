/**
 * The real PC/SC scenario, run inside a private network and mount namespace by test/pcsc.test.ts
 * (pcscd is already running there): a demo instance with the gateway and the simulator, the
 * virtual SAM and KTP-el inserted into vpcd, and the real reader agent — as a library through
 * pcsclite and as the `gerbang reader read` command. Prints one line `RESULT {json}`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { pino } from 'pino';
import { startSimulator } from '../../adapters/dukcapil-sim/index.ts';
import { SyntheticPopulation } from '../../adapters/dukcapil-sim/index.ts';
import { loadPcscBinding } from '../../adapters/pcsc/binding.ts';
import { CardError } from '../../adapters/pcsc/channel.ts';
import { openPcsc } from '../../adapters/pcsc/pcsc-readers.ts';
import {
  httpsSender,
  readCardThroughGateway,
  type GatewaySender,
} from '../../adapters/reader-agent/agent.ts';
import { virtualKtp } from '../../adapters/vcard/ktp.ts';
import { virtualSam } from '../../adapters/vcard/sam.ts';
import { insertVirtualCard, type VirtualCard } from '../../adapters/vcard/vpcd.ts';
import { loadConfig, readSecretText } from '../../gateway/config/index.ts';
import { locateInstance } from '../../gateway/config/instance.ts';
import { demoReaderFiles, ensureDemoInstance } from '../../gateway/cli/demo/instance.ts';
import { samEnrolment } from '../../gateway/services/readers/card-read-verifier.ts';
import { validityWindow } from '../../policies/index.ts';
import { holdsWithin } from '../helpers/until.ts';
import { startGateway } from '../../gateway/server/start.ts';
import { SYSTEM_PRINCIPAL } from '../../gateway/services/index.ts';

const results: Record<string, unknown> = {};
/**
 * Each step is said on stderr as it starts, so that a run the test had to kill names where it
 * stood; the watchdog ends a stuck run itself, with what it has, before the test's own timeout.
 */
let currentStep = 'start';
function step(name: string): void {
  currentStep = name;
  process.stderr.write(`STEP ${name}\n`);
}
setTimeout(() => {
  process.stderr.write(
    `STUCK at step "${currentStep}"; results so far ${JSON.stringify(results)}\n`,
  );
  process.exit(3);
}, 150_000).unref();
const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'gerbang-pcsc-'));
process.once('exit', () => {
  rmSync(dir, { recursive: true, force: true });
});
const location = locateInstance({ GERBANG_DATA_DIR: dir });
step('demo instance');
await ensureDemoInstance(location, { gateway: 0, simulator: 0 });
const raw = loadConfig(location.configPath);
const [demoAgreement] = raw.agreements;
if (demoAgreement === undefined) throw new Error('the demo instance has an agreement');
step('simulator');
const simulator = await startSimulator({
  port: 0,
  consumer: raw.upstream.consumer,
  userId: raw.upstream.userId,
  password: readSecretText(raw.upstream.passwordFile),
  allowedIps: [raw.upstream.ipUser],
});
// The gateway's clock can be moved to cross the agreement's end mid-session (the jump guard is
// relaxed for that; it has its own tests).
let clockOffset = 0;
step('gateway');
const gateway = await startGateway(
  {
    ...raw,
    server: { ...raw.server, port: 0 },
    upstream: { ...raw.upstream, baseUrl: simulator.url },
    clock: { maxJumpSeconds: 10 * 365 * 86_400, maxStartGapDays: 7 },
  },
  { dataDir: dir, logger: pino({ level: 'silent' }), now: () => Date.now() + clockOffset },
);
const files = demoReaderFiles(location.pkiDir);
const samPem = readFileSync(files.samCertificate, 'utf8');
const context = { principal: SYSTEM_PRINCIPAL, now: Date.now() };
step('reader enrolment');
await gateway.policy.admin.enrolReader(context, { id: 'reader-01', ...samEnrolment(samPem) });
await gateway.policy.admin.changeReader(context, {
  id: 'reader-01',
  action: 'activate',
  reason: 'pcsc test',
});

const dispatcher = new Agent({
  connect: {
    ca: readFileSync(join(location.pkiDir, 'ca.crt')),
    cert: readFileSync(join(location.pkiDir, 'clients/reader-01.crt')),
    key: readFileSync(join(location.pkiDir, 'clients/reader-01.key')),
  },
});
const options: { send: GatewaySender; readerId: string; purpose: string; reference: string } = {
  send: httpsSender({
    gatewayUrl: gateway.url,
    dispatcher,
    readerId: 'reader-01',
    operator: 'loket.03',
  }),
  readerId: 'reader-01',
  purpose: 'pelayanan-loket',
  reference: 'LOKET-3/2026',
};
const record = new SyntheticPopulation('gerbang-demo').find('6474015709900001') ?? {};
const issuerKeyPem = readFileSync(files.cardIssuerKey);

/** Runs the CLI without blocking this process (the gateway it talks to lives here). */
function runCli(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/gerbang.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, GERBANG_DATA_DIR: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * What pcscd reports of each reader, as a PC/SC client sees it: whether a card is present.
 * vpcd names its readers by the order of their ports (35963 is "Virtual PCD 00 00").
 */
step('pcsclite');
const pcscd = (await loadPcscBinding())();
const cardPresent = new Map<string, boolean>();
pcscd.on('error', () => undefined);
pcscd.on('reader', (reader) => {
  reader.on('error', () => undefined);
  reader.on('status', (status) => {
    cardPresent.set(reader.name, (status.state & reader.SCARD_STATE_PRESENT) !== 0);
  });
});
const readerOf = (port: number): string =>
  `Virtual PCD 00 ${String(port - 35963).padStart(2, '0')}`;

/** Waits until pcscd reports the reader on `port` with a card in it, or without. */
async function readerShows(port: number, present: boolean): Promise<void> {
  if (
    !(await holdsWithin(() => cardPresent.get(readerOf(port)) === present, { timeoutMs: 10_000 }))
  )
    throw new Error(
      `pcscd did not report ${readerOf(port)} ${present ? 'with' : 'without'} a card`,
    );
}

/** Inserts a card and waits until pcscd has seen it; its removal waits until pcscd has too. */
async function insert(card: VirtualCard, port: number) {
  await readerShows(port, false);
  const inserted = insertVirtualCard(card, { port });
  await inserted.inserted;
  await readerShows(port, true);
  return {
    remove: async () => {
      await inserted.remove();
      await readerShows(port, false);
    },
  };
}

async function agentRead(): Promise<unknown> {
  let session;
  try {
    session = await openPcsc();
    const answer = await readCardThroughGateway(session, options);
    return {
      status: answer.status,
      code: (answer.body as { error?: { code: string } }).error?.code ?? 'ok',
      name: (answer.body as { data?: { nama_lengkap?: string } }).data?.nama_lengkap,
    };
  } catch (error) {
    if (process.env['PCSC_DEBUG'])
      console.error('agentRead error', error instanceof Error ? error.stack : error);
    return {
      status: 0,
      code: error instanceof CardError ? error.code : `unexpected: ${String(error)}`,
    };
  } finally {
    session?.close();
  }
}

step('insert SAM');
const sam = await insert(
  virtualSam({ keyPem: readFileSync(files.samKey), certificatePem: samPem }),
  35963,
);

step('good read');
// 1. A good read, timed: APDUs over vpcd with quickack.
let ktp = await insert(virtualKtp({ record, issuerKeyPem }), 35964);
const started = performance.now();
results['good'] = await agentRead();
results['goodMs'] = Math.round(performance.now() - started);

step('cli read');
// 2. The same through the CLI, as a counter operator would run it.
const cli = await runCli([
  'reader',
  'read',
  '--reader-id',
  'reader-01',
  '--purpose',
  'pelayanan-loket',
  '--reference',
  'LOKET-3/2026',
  '--operator',
  'loket.03',
  '--gateway',
  gateway.url,
]);
results['cli'] = { status: cli.status, stdout: cli.stdout, stderr: cli.stderr };
await ktp.remove();

step('forged card');
// 3. A forged card.
ktp = await insert(virtualKtp({ record, issuerKeyPem, tamper: true }), 35964);
results['forged'] = await agentRead();
await ktp.remove();

step('card removed');
// 4. The card removed mid-read: it answers a few APDUs, then leaves the reader.
let answered = 0;
const removal: { now?: () => Promise<void> } = {};
const genuine = virtualKtp({ record, issuerKeyPem });
const fleeting: VirtualCard = {
  atr: genuine.atr,
  reset: () => {
    genuine.reset();
  },
  transmit: (apdu) => {
    answered++;
    if (process.env['PCSC_DEBUG'])
      console.error('fleeting apdu', answered, apdu.toString('hex').slice(0, 20));
    if (answered === 3) void removal.now?.();
    return genuine.transmit(apdu);
  },
};
ktp = await insert(fleeting, 35964);
removal.now = () => ktp.remove();
results['removed'] = await agentRead();
await ktp.remove();

step('impostor SAM');
// 5. A SAM with the right certificate but an unknown key (a cloned certificate).
await sam.remove();
const impostor = await insert(
  virtualSam({
    keyPem: readFileSync(join(location.pkiDir, 'clients/app-kasir.key')),
    certificatePem: samPem,
  }),
  35963,
);
ktp = await insert(virtualKtp({ record, issuerKeyPem }), 35964);
results['impostor'] = await agentRead();
await impostor.remove();
const samAgain = await insert(
  virtualSam({ keyPem: readFileSync(files.samKey), certificatePem: samPem }),
  35963,
);

step('agreement ends');
// 6. The agreement ends between the challenge and the card read (the instance's own agreement,
// which starts on the day the instance was made).
const { end } = validityWindow(demoAgreement);
clockOffset = end - 5_000 - Date.now();
const send = options.send;
options.send = async (path, body) => {
  if (path === 'card-reads') clockOffset = end + 1_000 - Date.now();
  return send(path, body);
};
results['expiring'] = await agentRead();
options.send = send;
clockOffset = 0;
await ktp.remove();

step('deactivated reader');
// 7. A deactivated reader.
ktp = await insert(virtualKtp({ record, issuerKeyPem }), 35964);
await gateway.policy.admin.changeReader(
  { principal: SYSTEM_PRINCIPAL, now: Date.now() },
  { id: 'reader-01', action: 'deactivate', reason: 'pcsc test' },
);
results['deactivated'] = await agentRead();
await ktp.remove();
await samAgain.remove();
pcscd.close();

step('pcscd down');
// 8. pcscd not running: a clear error, no stack trace.
const pcscdPid = process.env['PCSCD_PID'] ?? '0';
spawnSync('kill', [pcscdPid]);
// Gone once its process has exited (this runs in the PID namespace pcsc.test.ts makes).
const pcscdState = (): string | undefined => {
  try {
    return /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pcscdPid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
};
if (!(await holdsWithin(() => [undefined, 'Z'].includes(pcscdState()), { timeoutMs: 10_000 })))
  throw new Error('pcscd did not stop');
const down = await runCli([
  'reader',
  'read',
  '--reader-id',
  'reader-01',
  '--purpose',
  'pelayanan-loket',
  '--reference',
  'R',
  '--operator',
  'loket.03',
  '--gateway',
  gateway.url,
]);
results['pcscdDown'] = { status: down.status, stdout: down.stdout, stderr: down.stderr };

results['cardReadsAudited'] = gateway.audit
  .query({ type: 'card_read', limit: 100 })
  .items.map((r) => `${r.outcome}:${r.errorCode ?? ''}`);
results['readerRefusals'] = gateway.audit
  .query({ type: 'security', event: 'reader_refused', limit: 100 })
  .items.map((r) => r.errorCode);
step('close');
await dispatcher.close();
await gateway.close();
await simulator.close();
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
process.exit(0);
