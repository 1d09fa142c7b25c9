/**
 * pkijs on Node's own WebCrypto (OpenSSL-backed), so certificate code needs no polyfill.
 * Importing this module installs the engine once.
 */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

// pkijs types WebCrypto with the DOM lib, which this Node project does not load.
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

export const subtle = webcrypto.subtle;
export type KeyPair = webcrypto.CryptoKeyPair;
export type Key = webcrypto.CryptoKey;

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function generateEcKeyPair(): Promise<KeyPair> {
  return subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

export async function importPrivateKey(pkcs8: Uint8Array): Promise<Key> {
  return subtle.importKey('pkcs8', pkcs8, EC_P256, true, ['sign']);
}

export async function exportPrivateKey(key: Key): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('pkcs8', key));
}
