/**
 * RFC 3161 tokens against stock OpenSSL as the time-stamp authority (`openssl ts -reply`) and as
 * the second verifier (`openssl ts -verify`): the request Gerbang builds is one OpenSSL answers,
 * and a token passes Gerbang's check exactly when it is over the digest, with the nonce, from a
 * TSA of the pinned CA.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOpensslTsa, type OpensslTsa } from '../test/helpers/openssl-tsa.ts';
import { opensslIssueCertificate } from '../test/helpers/openssl.ts';
import { fileTempDir } from '../test/helpers/temp-dir.ts';
import { fromPem, parseCertificateDer } from './index.ts';
import { parseTimeStampReply, timeStampRequest, verifyTimeStampToken } from './timestamp.ts';

const bytes = (text: string) => Buffer.from(text);

let dir: string;
let tsa: OpensslTsa;
let other: OpensslTsa;

beforeAll(() => {
  dir = fileTempDir('gerbang-tsa-');
  tsa = createOpensslTsa(join(dir, 'tsa'));
  other = createOpensslTsa(join(dir, 'other'), 'TSA Lain');
});

async function tokenFor(authority: OpensslTsa, data: Buffer) {
  const request = timeStampRequest(data);
  const reply = parseTimeStampReply(await authority.reply(request.der));
  if (!reply.granted) throw new Error(reply.reason);
  return { token: reply.token, nonce: request.nonce };
}

describe('RFC 3161 time-stamps', () => {
  it('gets a token from OpenSSL for its request, and checks it as OpenSSL does', async () => {
    const data = bytes('checkpoint 1');
    const before = Date.now();
    const { token, nonce } = await tokenFor(tsa, data);
    const check = await verifyTimeStampToken(token, { data, caPem: tsa.caPem, nonce });
    expect(check).toMatchObject({ ok: true, authority: 'TSA Jaringan Tertutup' });
    if (!check.ok) return;
    expect(check.genTime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(check.genTime.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const tokenFile = join(dir, 'token.der');
    writeFileSync(tokenFile, token);
    const openssl = spawnSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-digest',
        createHash('sha256').update(data).digest('hex'),
        '-in',
        tokenFile,
        '-token_in',
        '-CAfile',
        tsa.caFile,
      ],
      { encoding: 'utf8' },
    );
    expect(openssl.stdout + openssl.stderr).toContain('Verification: OK');
  });

  it("accepts a token asked for by OpenSSL's own client", async () => {
    const data = bytes('asked by openssl');
    const queryFile = join(dir, 'openssl.tsq');
    const dataFile = join(dir, 'openssl.data');
    writeFileSync(dataFile, data);
    const query = spawnSync('openssl', [
      'ts',
      '-query',
      '-data',
      dataFile,
      '-sha256',
      '-cert',
      '-out',
      queryFile,
    ]);
    expect(query.status).toBe(0);
    const reply = parseTimeStampReply(await tsa.reply(readFileSync(queryFile)));
    expect(reply.granted).toBe(true);
    if (!reply.granted) return;
    expect(await verifyTimeStampToken(reply.token, { data, caPem: tsa.caPem })).toMatchObject({
      ok: true,
    });
  });

  it('refuses a token over another digest, with another nonce, or from a TSA of another CA', async () => {
    const data = bytes('checkpoint 2');
    const { token, nonce } = await tokenFor(tsa, data);
    expect(
      await verifyTimeStampToken(token, { data: bytes('checkpoint 3'), caPem: tsa.caPem }),
    ).toEqual({
      ok: false,
      reason: 'the token is over another digest (it belongs to something else)',
    });
    expect(
      await verifyTimeStampToken(token, { data, caPem: tsa.caPem, nonce: nonce + 1n }),
    ).toEqual({
      ok: false,
      reason: 'the token does not carry the nonce sent',
    });
    expect(await verifyTimeStampToken(token, { data, caPem: other.caPem })).toMatchObject({
      ok: false,
    });
  });

  it('refuses a token with any byte of its signature changed, and bytes that are no token', async () => {
    const data = bytes('checkpoint 4');
    const { token } = await tokenFor(tsa, data);
    const tampered = Buffer.from(token);
    // The signature is the token's last bytes (no unsigned attributes from OpenSSL).
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01;
    expect(await verifyTimeStampToken(tampered, { data, caPem: tsa.caPem })).toMatchObject({
      ok: false,
    });
    expect(
      await verifyTimeStampToken(Buffer.from('not a token'), { data, caPem: tsa.caPem }),
    ).toMatchObject({
      ok: false,
    });
    expect(parseTimeStampReply(Buffer.from('not a reply'))).toEqual({
      granted: false,
      reason: 'the reply is not a TimeStampResp',
    });
  });

  it('refuses a token signed by a certificate of the CA that is not a TSA only', async () => {
    // OpenSSL will not sign with such a certificate; an attacker holding one builds the token.
    const notTsa = opensslIssueCertificate({
      caDirectory: join(dir, 'tsa'),
      subject: '/O=Diskominfo/CN=bukan-tsa',
      extendedKeyUsage: 'timeStamping,codeSigning',
      base: join(dir, 'not-tsa'),
    });
    const data = bytes('checkpoint 5');
    const token = await signTstInfo(
      data,
      readFileSync(notTsa.certificatePath, 'utf8'),
      readFileSync(notTsa.keyPath, 'utf8'),
    );
    expect(await verifyTimeStampToken(token, { data, caPem: tsa.caPem })).toEqual({
      ok: false,
      reason: 'the signer is not a time-stamp authority (critical EKU timeStamping only)',
    });
    // The same tool with the TSA's own key makes a token that passes: only the EKU differs.
    const genuine = await signTstInfo(
      data,
      readFileSync(join(dir, 'tsa', 'tsa.crt'), 'utf8'),
      readFileSync(join(dir, 'tsa', 'tsa.key'), 'utf8'),
    );
    expect(await verifyTimeStampToken(genuine, { data, caPem: tsa.caPem })).toMatchObject({
      ok: true,
    });
  });
});

/** A token as a TSA would make it, signed with any key: the forger's tool. */
async function signTstInfo(
  data: Uint8Array,
  certificatePem: string,
  keyPem: string,
): Promise<Uint8Array> {
  const certificate = parseCertificateDer(fromPem(certificatePem, 'CERTIFICATE'));
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const info = new pkijs.TSTInfo({
    version: 1,
    policy: '1.3.6.1.4.1.99999.1',
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' }),
      hashedMessage: new asn1js.OctetString({
        valueHex: createHash('sha256').update(data).digest(),
      }),
    }),
    serialNumber: new asn1js.Integer({ value: 7 }),
    genTime: new Date(),
  });
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: '1.2.840.113549.1.9.16.1.4',
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
      }),
    ],
    certificates: [certificate],
  });
  // Set after construction: pkijs would otherwise chunk it into a form its own verify cannot read.
  signedData.encapContentInfo.eContent = new asn1js.OctetString({
    valueHex: info.toSchema().toBER(false),
  });
  await signedData.sign(key, 0, 'SHA-256');
  return new Uint8Array(
    new pkijs.ContentInfo({
      contentType: '1.2.840.113549.1.7.2',
      content: signedData.toSchema(true),
    })
      .toSchema()
      .toBER(false),
  );
}
