/**
 * PKCS#12 bundles (key + certificate + CA) for people who import a client certificate into a
 * browser. Built with pkijs: PBES2 (PBKDF2-SHA256, AES-256-CBC) for the key, an HMAC-SHA256 MAC,
 * which OpenSSL 3, Chromium and Node's `pfx` option all read.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { subtle } from './engine.ts';

export async function buildPkcs12(options: {
  readonly privateKeyPkcs8: Uint8Array;
  readonly certificate: pkijs.Certificate;
  readonly caCertificate: pkijs.Certificate;
  readonly password: string;
  readonly friendlyName: string;
}): Promise<Uint8Array> {
  const password = new TextEncoder().encode(options.password).buffer;
  const localKeyId = new Uint8Array(
    await subtle.digest(
      'SHA-1',
      options.certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
    ),
  );
  const bagAttributes = [
    new pkijs.Attribute({
      type: '1.2.840.113549.1.9.20',
      values: [new asn1js.BmpString({ value: options.friendlyName })],
    }),
    new pkijs.Attribute({
      type: '1.2.840.113549.1.9.21',
      values: [new asn1js.OctetString({ valueHex: localKeyId.buffer })],
    }),
  ];
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({
    parsedValue: pkijs.PrivateKeyInfo.fromBER(options.privateKeyPkcs8),
  });
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            {
              privacyMode: 0,
              value: new pkijs.SafeContents({
                safeBags: [
                  new pkijs.SafeBag({
                    bagId: '1.2.840.113549.1.12.10.1.2',
                    bagValue: keyBag,
                    bagAttributes,
                  }),
                  new pkijs.SafeBag({
                    bagId: '1.2.840.113549.1.12.10.1.3',
                    bagValue: new pkijs.CertBag({ parsedValue: options.certificate }),
                    bagAttributes,
                  }),
                  new pkijs.SafeBag({
                    bagId: '1.2.840.113549.1.12.10.1.3',
                    bagValue: new pkijs.CertBag({ parsedValue: options.caCertificate }),
                  }),
                ],
              }),
            },
          ],
        },
      }),
    },
  });
  await keyBag.makeInternalValues({
    password,
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 },
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: 100_000,
  });
  const authenticatedSafe = pfx.parsedValue?.authenticatedSafe;
  if (authenticatedSafe === undefined) throw new Error('PFX construction failed');
  await authenticatedSafe.makeInternalValues({ safeContents: [{}] });
  await pfx.makeInternalValues({
    password,
    iterations: 100_000,
    pbkdf2HashAlgorithm: 'SHA-256',
    hmacHashAlgorithm: 'SHA-256',
  });
  return new Uint8Array(pfx.toSchema().toBER(false));
}
