/**
 * An RFC 3161 time-stamp authority that is not Gerbang's code: stock `openssl ts -reply` with a CA
 * and a TSA certificate of its own (critical EKU timeStamping), answering HTTP POSTs of
 * application/timestamp-query on 127.0.0.1 as a TSA of the closed network would. Its clock is this
 * process's, whatever the gateway's is.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { opensslIssueCertificate } from './openssl.ts';

const run = promisify(execFile);

export interface OpensslTsa {
  /** The TSA's CA certificate (PEM file): what verifiers pin. */
  readonly caFile: string;
  readonly caPem: string;
  /** Answers one DER TimeStampReq with a DER TimeStampResp. */
  reply(query: Uint8Array): Promise<Buffer>;
}

/** A CA and a TSA under it, in `dir`. */
export function createOpensslTsa(dir: string, name = 'TSA Jaringan Tertutup'): OpensslTsa {
  mkdirSync(dir, { recursive: true });
  const caConfig = join(dir, 'ca.cnf');
  writeFileSync(
    caConfig,
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-config',
      caConfig,
      '-extensions',
      'ca',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
      '-subj',
      `/O=Diskominfo/CN=${name} CA`,
      '-days',
      '60',
      '-out',
      join(dir, 'ca.crt'),
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl req (TSA CA) failed: ${made.stderr}`);
  const tsa = opensslIssueCertificate({
    caDirectory: dir,
    subject: `/O=Diskominfo/CN=${name}`,
    extendedKeyUsage: 'critical,timeStamping',
    base: join(dir, 'tsa'),
  });
  writeFileSync(join(dir, 'serial'), '01\n');
  const tsaConfig = join(dir, 'tsa.cnf');
  writeFileSync(
    tsaConfig,
    [
      '[tsa]',
      'default_tsa = tsa_config',
      '[tsa_config]',
      `serial = ${join(dir, 'serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${tsa.certificatePath}`,
      `signer_key = ${tsa.keyPath}`,
      `certs = ${join(dir, 'ca.crt')}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let counter = 0;
  return {
    caFile: join(dir, 'ca.crt'),
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    reply: async (query) => {
      counter++;
      const queryFile = join(dir, `query-${String(counter)}.tsq`);
      const replyFile = join(dir, `reply-${String(counter)}.tsr`);
      writeFileSync(queryFile, query);
      await run('openssl', [
        'ts',
        '-reply',
        '-config',
        tsaConfig,
        '-queryfile',
        queryFile,
        '-out',
        replyFile,
      ]);
      return readFileSync(replyFile);
    },
  };
}

export interface TsaServer {
  readonly url: string;
  /** Requests answered (with a token or not). */
  readonly answered: () => number;
  /** While down, every request gets 503. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/** Serves `tsa` over HTTP on 127.0.0.1 (RFC 3161 section 3.4). */
export async function serveTsa(tsa: Pick<OpensslTsa, 'reply'>): Promise<TsaServer> {
  let down = false;
  let answered = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (down || request.headers['content-type'] !== 'application/timestamp-query') {
        response.writeHead(down ? 503 : 415).end();
        return;
      }
      tsa.reply(Buffer.concat(chunks)).then(
        (body) => {
          answered++;
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body);
        },
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TSA address');
  return {
    url: `http://127.0.0.1:${String(address.port)}/tsa`,
    answered: () => answered,
    setDown: (value) => {
      down = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
