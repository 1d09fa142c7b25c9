import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  merkleRoot,
  MerkleFrontier,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';
import { canonicalJson } from './canonical.ts';

const leaves = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => createHash('sha256').update(String(i)).digest());

describe('RFC 6962 Merkle tree', () => {
  it('matches a known vector: the empty tree and one leaf', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    // MTH({""}) = SHA-256(0x00)
    expect(merkleRoot([new Uint8Array()]).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('the frontier computes the same root as the recursive definition, for every size', () => {
    const all = leaves(70);
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= all.length; n++) {
      frontier.append(all[n - 1] ?? Buffer.alloc(0));
      expect(frontier.root().equals(merkleRoot(all.slice(0, n)))).toBe(true);
      expect(MerkleFrontier.fromNodes(frontier.toNodes()).root().equals(frontier.root())).toBe(
        true,
      );
    }
  });

  it('inclusion proofs verify, and fail for any other leaf, index or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (size, seed) => {
        const all = leaves(size);
        const index = seed % size;
        const root = merkleRoot(all);
        const proof = inclusionProof(all, index);
        expect(verifyInclusion(all[index] ?? Buffer.alloc(0), index, size, proof, root)).toBe(true);
        expect(verifyInclusion(Buffer.from('forged'), index, size, proof, root)).toBe(false);
        if (size > 1)
          expect(
            verifyInclusion(all[index] ?? Buffer.alloc(0), (index + 1) % size, size, proof, root),
          ).toBe(false);
        expect(verifyInclusion(all[index] ?? Buffer.alloc(0), index, size, proof, EMPTY_ROOT)).toBe(
          false,
        );
      }),
    );
  });

  it('consistency proofs verify between any two sizes, and fail for a rewritten history', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (a, b) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const all = leaves(n);
        const proof = consistencyProof(all, m);
        const firstRoot = merkleRoot(all.slice(0, m));
        const secondRoot = merkleRoot(all);
        expect(verifyConsistency(m, n, proof, firstRoot, secondRoot)).toBe(true);
        const rewritten = [...all];
        rewritten[0] = Buffer.from('rewritten');
        if (m < n)
          expect(
            verifyConsistency(m, n, proof, merkleRoot(rewritten.slice(0, m)), secondRoot),
          ).toBe(false);
      }),
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys, omits undefined, keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: [3, 'x', null], c: undefined, d: { z: true, y: 1.5 } })).toBe(
      '{"a":[3,"x",null],"b":1,"d":{"y":1.5,"z":true}}',
    );
  });
  it('is stable under key order', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        (object) => {
          const reversed = Object.fromEntries(Object.entries(object).reverse());
          expect(canonicalJson(reversed)).toBe(canonicalJson(object));
          expect(JSON.parse(canonicalJson(object))).toEqual(object);
        },
      ),
    );
  });
});
