/**
 * The IKD issuer keys of the `ikd` section (docs/ikd-profile.md): PEM public keys, Ed25519 or
 * EC P-256, read and checked when the configuration is loaded, so that a wrong file stops the
 * start with the configuration's exit status instead of refusing every presentation later.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Why `key` cannot be an IKD issuer key, or undefined when it can. */
export function ikdIssuerKeyProblem(key: KeyObject): string | undefined {
  if (key.type !== 'public') return 'is not a public key';
  const p256 =
    key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (key.asymmetricKeyType !== 'ed25519' && !p256)
    return 'is neither an Ed25519 nor an ECDSA P-256 key';
  return undefined;
}

function readKey(file: string): KeyObject | string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  // createPublicKey would derive the public half of a private key: the gateway must never hold
  // an issuer's private key, so such a file is a mistake to report, not to work around.
  if (text.includes('PRIVATE KEY')) return 'is a private key; give the issuer public key only';
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    return 'is not a PEM public key';
  }
  return ikdIssuerKeyProblem(key) ?? key;
}

/**
 * Each configured issuer key by id, or the problems, each naming its place in the file (the
 * `at` of the section, `/ikd` in gerbang.json).
 */
export function readIkdIssuerKeys(
  issuerKeys: readonly { readonly id: string; readonly publicKeyFile: string }[],
  at = '/ikd',
): { ok: true; keys: Map<string, KeyObject> } | { ok: false; problems: string[] } {
  const keys = new Map<string, KeyObject>();
  const problems: string[] = [];
  issuerKeys.forEach(({ id, publicKeyFile }, i) => {
    const key = readKey(publicKeyFile);
    if (typeof key === 'string')
      problems.push(`${at}/issuerKeys/${i}/publicKeyFile: ${publicKeyFile} ${key}`);
    else keys.set(id, key);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, keys };
}
