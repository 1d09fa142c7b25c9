/**
 * `gerbang ikd present`: a presentation of the project's IKD profile (docs/ikd-profile.md),
 * signed by the demo instance's TEST issuer key (or the one given), printed for a QR generator or
 * to paste into the portal. It is not an IKD: a real one is made by Dukcapil's app, and a
 * gateway configured with a real issuer's keys refuses what this makes.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ikdPresentation } from '../../adapters/ikd/issuer.ts';
import { IKD_KEY_ID_PATTERN } from '../config/schema.ts';
import { checkNik } from '../../policies/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { UsageError } from './args.ts';
import { demoIkdIssuerFiles } from './demo/instance.ts';
import { CliError, displayPath, say, warn } from './output.ts';

export interface IkdPresentValues {
  readonly nik: string;
  readonly key?: string | undefined;
  readonly 'key-id'?: string | undefined;
  readonly ttl?: string | undefined;
}

function issuerKey(file: string, demo: boolean): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError(
      demo && code === 'ENOENT'
        ? `no test IKD issuer in this instance (${displayPath(file)}); \`gerbang demo\` makes one`
        : `${displayPath(file)} cannot be read (${code})`,
    );
  }
  try {
    return createPrivateKey(text);
  } catch {
    throw new CliError(`${displayPath(file)} is not a PEM private key`);
  }
}

export function ikdPresentCommand(values: IkdPresentValues): void {
  // The NIK is never repeated in a message: it is the one value here that is population data.
  if (!checkNik(values.nik).valid) throw new UsageError('--nik must be a NIK of valid form');
  const ttl = values.ttl ?? '300';
  if (!/^\d{1,4}$/.test(ttl) || Number(ttl) < 1)
    throw new UsageError('--ttl must be a number of seconds from 1 to 9999');
  const demo = demoIkdIssuerFiles(resolveInstance().pkiDir);
  const keyId = values['key-id'] ?? demo.keyId;
  if (!new RegExp(IKD_KEY_ID_PATTERN).test(keyId))
    throw new UsageError('--key-id must be an id such as demo-ikd-1');
  const key = issuerKey(values.key ?? demo.privateKey, values.key === undefined);
  if (key.asymmetricKeyType !== 'ed25519' && key.asymmetricKeyType !== 'ec')
    throw new CliError('the issuer key must be an Ed25519 or EC P-256 private key');
  warn(
    `TEST IKD issuer (docs/ikd-profile.md): not an IKD; valid ${ttl} s, for the demo and tests only`,
  );
  say(ikdPresentation({ nik: values.nik, key, keyId, now: new Date(), ttlSeconds: Number(ttl) }));
}
