/**
 * `gerbang vcard sam|ktp`: virtual cards for vpcd, and `gerbang reader read|serve`: the reader
 * agent. Defaults fit the demo instance in GERBANG_DATA_DIR.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Agent } from 'undici';
import { CardError } from '../../adapters/pcsc/channel.ts';
import { loadPcscBinding, PcscBindingMissing } from '../../adapters/pcsc/binding.ts';
import { openPcsc } from '../../adapters/pcsc/pcsc-readers.ts';
import {
  httpsSender,
  readCardThroughGateway,
  type CardReadOptions,
} from '../../adapters/reader-agent/agent.ts';
import { virtualKtp } from '../../adapters/vcard/ktp.ts';
import { virtualSam } from '../../adapters/vcard/sam.ts';
import { insertVirtualCard } from '../../adapters/vcard/vpcd.ts';
import { checkNik } from '../../policies/index.ts';
import { clientCredentials, resolveInstance } from '../config/instance.ts';
import { demoReaderFiles } from './demo/instance.ts';
import { instanceGatewayUrl } from './gateway-access.ts';
import { gatewayUrlOption, portOption } from './args.ts';
import { CliError, EXIT, say, warn } from './output.ts';

function waitForever(onStop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      void onStop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The options of `vcard sam` and `vcard ktp` (commands.ts declares which each takes). */
export interface VcardValues {
  readonly port: string | undefined;
  readonly host: string | undefined;
  readonly key?: string | undefined;
  readonly cert?: string | undefined;
  readonly nik?: string;
  readonly 'issuer-key'?: string | undefined;
  readonly forged?: boolean;
}

export async function vcardCommand(kind: 'sam' | 'ktp', values: VcardValues): Promise<void> {
  const files = demoReaderFiles(resolveInstance().pkiDir);
  let card;
  if (kind === 'sam') {
    card = virtualSam({
      keyPem: readFileSync(values.key ?? files.samKey),
      certificatePem: readFileSync(values.cert ?? files.samCertificate, 'utf8'),
    });
  } else {
    if (values.nik === undefined || !checkNik(values.nik).valid)
      throw new CliError('--nik must be a NIK of valid form', EXIT.usage);
    // Loaded only here: the gateway process itself never holds the simulator's population.
    const { SyntheticPopulation } = await import('../../adapters/dukcapil-sim/population.ts');
    const record = new SyntheticPopulation('gerbang-demo').find(values.nik);
    if (record === undefined)
      throw new CliError('that NIK is not in the simulator population', EXIT.usage);
    card = virtualKtp({
      record,
      issuerKeyPem: readFileSync(values['issuer-key'] ?? files.cardIssuerKey),
      tamper: values.forged === true,
    });
  }
  const port = portOption('--port', values.port, kind === 'sam' ? 35963 : 35964);
  const inserted = insertVirtualCard(card, { host: values.host ?? '127.0.0.1', port });
  try {
    await inserted.inserted;
  } catch {
    throw new CliError(
      `cannot reach vpcd at ${values.host ?? '127.0.0.1'}:${port} (is pcscd with vsmartcard-vpcd running?)`,
    );
  }
  say(`virtual ${kind.toUpperCase()} inserted into vpcd at port ${port}; Ctrl-C removes it`);
  await waitForever(() => inserted.remove());
}

/** The options of `reader read` and `reader serve` (commands.ts declares which each takes). */
export interface ReaderValues {
  readonly 'reader-id': string;
  readonly purpose?: string;
  readonly reference?: string;
  readonly operator?: string;
  readonly fields?: string | undefined;
  /** Hold the read for the operator's pickup at the clerk portal (docs/portal.md). */
  readonly portal?: boolean;
  readonly gateway: string | undefined;
  readonly port?: string | undefined;
  readonly ca: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

function agentDefaults(values: ReaderValues) {
  const location = resolveInstance();
  const readerId = values['reader-id'];
  const gatewayUrl = gatewayUrlOption('--gateway', values.gateway) ?? instanceGatewayUrl(location);
  // On a counter PC the reader's files are given (the key as a systemd credential); beside a
  // demo gateway they are found in its PKI directory.
  const dispatcher = new Agent({
    connect: clientCredentials(location.pkiDir, readerId, {
      ca: values.ca,
      cert: values.cert,
      key: values.key,
    }),
  });
  return { readerId, gatewayUrl, dispatcher };
}

/** One card read; a CardError becomes a coded answer instead of an exception. */
async function readOnce(options: CardReadOptions): Promise<{ status: number; body: unknown }> {
  let session;
  try {
    session = await openPcsc();
    return await readCardThroughGateway(session, options);
  } catch (error) {
    if (error instanceof CardError)
      return { status: 0, body: { error: { code: error.code, message: error.message } } };
    throw error;
  } finally {
    session?.close();
  }
}

/** The reader agent cannot work without the PC/SC binding: say what to install, exit 69. */
async function requirePcscBinding(): Promise<void> {
  try {
    await loadPcscBinding();
  } catch (error) {
    if (error instanceof PcscBindingMissing)
      throw new CliError(`${error.code}: ${error.message}`, EXIT.unavailable);
    throw error;
  }
}

export async function readerCommand(sub: 'read' | 'serve', values: ReaderValues): Promise<void> {
  // After the arguments were judged (and --help answered) by the command table.
  await requirePcscBinding();
  if (sub === 'read') {
    const { readerId, gatewayUrl, dispatcher } = agentDefaults(values);
    if (
      values.purpose === undefined ||
      values.reference === undefined ||
      values.operator === undefined
    )
      throw new CliError('--purpose, --reference and --operator are required', EXIT.usage);
    const answer = await readOnce({
      send: httpsSender({ gatewayUrl, dispatcher, readerId, operator: values.operator }),
      readerId,
      purpose: values.purpose,
      reference: values.reference,
      ...(values.fields ? { fields: values.fields.split(',') } : {}),
      ...(values.portal === true ? { forPortal: true } : {}),
    });
    await dispatcher.close();
    if (answer.status === 200) {
      say(JSON.stringify((answer.body as { data: unknown }).data, null, 2));
    } else {
      const error = (answer.body as { error?: { code?: string; message?: string } }).error;
      warn(
        JSON.stringify({
          error: { code: error?.code ?? 'unknown', message: error?.message ?? '' },
        }),
      );
    }
    // pcsclite keeps a monitoring handle open after close(); a one-shot read ends here.
    process.exit(answer.status === 200 ? EXIT.ok : EXIT.failure);
  }
  // serve: card reads for the counter applications on this machine, until stopped.
  {
    const { readerId, gatewayUrl, dispatcher } = agentDefaults(values);
    const port = portOption('--port', values.port, 8444);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 4096) chunks.push(chunk);
      });
      req.on('end', () => {
        void (async () => {
          let answer: { status: number; body: unknown };
          try {
            if (req.method !== 'POST' || req.url !== '/read' || size > 4096)
              throw new Error('bad request');
            const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              purpose?: unknown;
              reference?: unknown;
              operator?: unknown;
              fields?: unknown;
              portal?: unknown;
            };
            if (
              typeof input.purpose !== 'string' ||
              typeof input.reference !== 'string' ||
              typeof input.operator !== 'string'
            )
              throw new Error('bad request');
            answer = await readOnce({
              send: httpsSender({ gatewayUrl, dispatcher, readerId, operator: input.operator }),
              readerId,
              purpose: input.purpose,
              reference: input.reference,
              ...(Array.isArray(input.fields) ? { fields: input.fields.map(String) } : {}),
              ...(input.portal === true ? { forPortal: true } : {}),
            });
          } catch {
            answer = {
              status: 400,
              body: {
                error: {
                  code: 'invalid_request',
                  message: 'POST /read with {purpose, reference, operator[, fields, portal]}',
                },
              },
            };
          }
          res.writeHead(answer.status === 0 ? 503 : answer.status, {
            'content-type': 'application/json',
            'cache-control': 'no-store',
          });
          res.end(JSON.stringify(answer.body));
        })();
      });
    });
    server.listen(port, '127.0.0.1');
    say(`reader agent for ${readerId} on http://127.0.0.1:${port}/read (gateway ${gatewayUrl})`);
    await waitForever(async () => {
      server.close();
      await dispatcher.close();
    });
    return;
  }
}
