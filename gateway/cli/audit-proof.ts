/**
 * `gerbang audit proof`: RFC 6962 inclusion and consistency proofs from the live trail, as JSON,
 * against its signed checkpoints. Apart from the other audit commands (audit.ts, which
 * re-exports it) because it reads the Merkle tree, not records.
 */
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../audit/index.ts';
import { openAuditStore } from '../server/audit-store.ts';
import { loadConfig } from '../config/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { CliError, EXIT, say } from './output.ts';

/** `audit proof --seq N | --old-size A [--size M]`: RFC 6962 proofs as JSON. */
export async function auditProof(values: {
  seq: string | undefined;
  size: string | undefined;
  'old-size': string | undefined;
}): Promise<void> {
  if ((values.seq === undefined) === (values['old-size'] === undefined))
    throw new CliError('give either --seq or --old-size', EXIT.usage);
  const location = resolveInstance();
  const store = openAuditStore(loadConfig(location.configPath), location.dataDir);
  try {
    const checkpoints = store.checkpoints();
    const size = values.size === undefined ? checkpoints.at(-1)?.treeSize : Number(values.size);
    const checkpoint = checkpoints.find((c) => c.treeSize === size);
    if (checkpoint === undefined)
      throw new CliError(
        `no signed checkpoint of size ${String(size)}; sizes: ${checkpoints.map((c) => c.treeSize).join(', ')}`,
        EXIT.usage,
      );
    // The values first: a wrong one is a usage error whatever the trail holds.
    const seq = values.seq === undefined ? undefined : Number(values.seq);
    if (seq !== undefined && (!Number.isInteger(seq) || seq < 1 || seq > checkpoint.treeSize))
      throw new CliError(`--seq must be 1-${checkpoint.treeSize}`, EXIT.usage);
    const old =
      values['old-size'] === undefined
        ? undefined
        : checkpoints.find((c) => c.treeSize === Number(values['old-size']));
    if (values['old-size'] !== undefined && old === undefined)
      throw new CliError('--old-size must be the size of a signed checkpoint', EXIT.usage);
    const leaves = store.leaves(checkpoint.treeSize);
    if (leaves === undefined)
      throw new CliError(
        'the records needed for this proof were purged; proofs cover records after the retention anchor',
      );
    const root = Buffer.from(checkpoint.rootHash, 'hex');
    if (seq !== undefined) {
      const proof = inclusionProof(leaves, seq - 1);
      const leaf = leaves[seq - 1] ?? Buffer.alloc(0);
      say(
        JSON.stringify(
          {
            kind: 'inclusion',
            seq,
            leaf: leaf.toString('hex'),
            checkpoint,
            proof: proof.map((h) => h.toString('hex')),
            verified: verifyInclusion(leaf, seq - 1, checkpoint.treeSize, proof, root),
          },
          null,
          2,
        ),
      );
      return;
    }
    if (old !== undefined) {
      const proof = consistencyProof(leaves, old.treeSize);
      say(
        JSON.stringify(
          {
            kind: 'consistency',
            old,
            checkpoint,
            proof: proof.map((h) => h.toString('hex')),
            verified: verifyConsistency(
              old.treeSize,
              checkpoint.treeSize,
              proof,
              Buffer.from(old.rootHash, 'hex'),
              root,
            ),
          },
          null,
          2,
        ),
      );
      return;
    }
    throw new CliError('give either --seq or --old-size', EXIT.usage);
  } finally {
    await store.close();
  }
}
