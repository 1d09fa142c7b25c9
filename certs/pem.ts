/** Strict PEM encoding and decoding: only the labelled blocks, only base64 inside. */

export function toPem(der: Uint8Array | ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString(
    'base64',
  );
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export class PemError extends Error {
  override readonly name = 'PemError';
}

/** Every block with `label`, in order. Throws PemError when there is none or one is damaged. */
export function fromPemAll(text: string, label: string): Uint8Array[] {
  const pattern = new RegExp(
    `-----BEGIN ${label}-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+?)-----END ${label}-----`,
    'g',
  );
  const blocks: Uint8Array[] = [];
  for (const match of text.matchAll(pattern)) {
    const base64 = (match[1] ?? '').replace(/\r?\n/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0 || base64.length === 0) {
      throw new PemError(`damaged ${label} block`);
    }
    blocks.push(new Uint8Array(Buffer.from(base64, 'base64')));
  }
  if (blocks.length === 0) throw new PemError(`no ${label} block`);
  return blocks;
}

export function fromPem(text: string, label: string): Uint8Array {
  const [first] = fromPemAll(text, label);
  if (first === undefined) throw new PemError(`no ${label} block`);
  return first;
}
