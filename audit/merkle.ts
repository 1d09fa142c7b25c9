/**
 * RFC 6962 / RFC 9162 Merkle tree hashing over the audit chain: leaf hash =
 * SHA-256(0x00 ‖ leaf), node hash = SHA-256(0x01 ‖ left ‖ right). The leaves are the records'
 * chain hashes. `MerkleFrontier` keeps the roots of the perfect subtrees (a compact range from 0)
 * so that appending is O(log n) and the root of the whole log is always at hand.
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

export function leafHash(leaf: Uint8Array): Hash {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(leaf)
    .digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export interface FrontierNode {
  readonly size: number;
  readonly hash: string; // hex
}

export class MerkleFrontier {
  private nodes: { size: number; hash: Hash }[] = [];
  private count = 0;

  static fromNodes(nodes: readonly FrontierNode[]): MerkleFrontier {
    const frontier = new MerkleFrontier();
    let total = 0;
    let previous = Infinity;
    for (const node of nodes) {
      // Sizes must be distinct powers of two in decreasing order.
      if (
        !Number.isInteger(node.size) ||
        node.size < 1 ||
        (node.size & (node.size - 1)) !== 0 ||
        node.size >= previous
      ) {
        throw new RangeError('invalid Merkle frontier');
      }
      if (!/^[0-9a-f]{64}$/.test(node.hash)) throw new RangeError('invalid Merkle frontier hash');
      previous = node.size;
      total += node.size;
      frontier.nodes.push({ size: node.size, hash: Buffer.from(node.hash, 'hex') });
    }
    frontier.count = total;
    return frontier;
  }

  get size(): number {
    return this.count;
  }

  /** Appends a leaf (its data, not its hash). */
  append(leaf: Uint8Array): void {
    let node = { size: 1, hash: leafHash(leaf) };
    for (
      let last = this.nodes.at(-1);
      last !== undefined && last.size === node.size;
      last = this.nodes.at(-1)
    ) {
      this.nodes.pop();
      node = { size: node.size * 2, hash: nodeHash(last.hash, node.hash) };
    }
    this.nodes.push(node);
    this.count++;
  }

  root(): Hash {
    const last = this.nodes.at(-1);
    if (last === undefined) return EMPTY_ROOT;
    let accumulator = last.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--)
      accumulator = nodeHash(this.nodes[i]?.hash ?? Buffer.alloc(0), accumulator);
    return accumulator;
  }

  toNodes(): FrontierNode[] {
    return this.nodes.map((node) => ({ size: node.size, hash: node.hash.toString('hex') }));
  }

  clone(): MerkleFrontier {
    return MerkleFrontier.fromNodes(this.toNodes());
  }
}

/** Largest power of two strictly less than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) of RFC 6962 over leaf data. */
export function merkleRoot(leaves: readonly Uint8Array[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0] ?? new Uint8Array());
  const k = split(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** The audit path of leaf `index` in the tree of `leaves` (RFC 6962 2.1.1). */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Hash[] {
  if (index < 0 || index >= leaves.length) throw new RangeError('leaf index out of range');
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...inclusionProof(leaves.slice(0, k), index), merkleRoot(leaves.slice(k))]
    : [...inclusionProof(leaves.slice(k), index - k), merkleRoot(leaves.slice(0, k))];
}

/** The consistency proof between the trees of the first `m` leaves and all `leaves` (RFC 6962 2.1.2). */
export function consistencyProof(leaves: readonly Uint8Array[], m: number): Hash[] {
  if (m < 1 || m > leaves.length) throw new RangeError('tree size out of range');
  const subproof = (first: number, part: readonly Uint8Array[], complete: boolean): Hash[] => {
    if (first === part.length) return complete ? [] : [merkleRoot(part)];
    const k = split(part.length);
    return first <= k
      ? [...subproof(first, part.slice(0, k), complete), merkleRoot(part.slice(k))]
      : [...subproof(first - k, part.slice(k), false), merkleRoot(part.slice(0, k))];
  };
  return subproof(m, leaves, true);
}

const isOdd = (n: number): boolean => n % 2 === 1;

/** RFC 9162 2.1.3.2: does `proof` show that `leaf` is at `index` in the tree of `size` with `root`? */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: does `proof` show that the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  const [head, ...rest] = path;
  if (head === undefined) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Hash = Buffer.from(head);
  let sr: Hash = Buffer.from(head);
  for (const c of rest) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
