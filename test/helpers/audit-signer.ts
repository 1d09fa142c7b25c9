/** A CA and an audit signing certificate in a temporary directory, for audit tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAuthority } from '../../certs/index.ts';
import { createCheckpointSigner, type CheckpointSigner } from '../../audit/index.ts';

export async function createTestSigner(
  dir: string,
  name = 'pki',
): Promise<{ signer: CheckpointSigner; caPem: string; authority: CertificateAuthority }> {
  const authority = await CertificateAuthority.create(join(dir, name));
  const files = await authority.issue({
    kind: 'signing',
    id: 'gerbang-audit',
    role: 'audit',
    basePath: join(dir, name, 'audit-signing'),
  });
  const signer = createCheckpointSigner(
    readFileSync(files.keyPath),
    readFileSync(files.certificatePath, 'utf8'),
  );
  return { signer, caPem: readFileSync(join(dir, name, 'ca.crt'), 'utf8'), authority };
}
