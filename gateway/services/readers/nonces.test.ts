import { describe, expect, it } from 'vitest';
import { NonceStore } from './nonces.ts';

const T = 1_700_000_000_000;

describe('NonceStore', () => {
  it('spends a challenge once, for its own reader, within its lifetime', () => {
    const nonces = new NonceStore(60_000);
    const { nonce } = nonces.issue('reader-01', T);
    expect(nonces.consume(nonce, 'reader-02', T)).toBe('other_reader');
    expect(nonces.consume(nonce, 'reader-01', T)).toBe('ok');
    expect(nonces.consume(nonce, 'reader-01', T)).toBe('used');
    const late = nonces.issue('reader-01', T).nonce;
    expect(nonces.consume(late, 'reader-01', T + 61_000)).toBe('expired');
    expect(nonces.consume(Buffer.alloc(32), 'reader-01', T)).toBe('unknown');
  });

  it('holds at most maxPerReader challenges of one reader, dropping its oldest', () => {
    const nonces = new NonceStore(60_000, { maxPerReader: 4, maxNonces: 100 });
    const other = nonces.issue('reader-02', T).nonce;
    const issued = Array.from({ length: 1_000 }, () => nonces.issue('reader-01', T).nonce);
    expect(nonces.size).toBe(5);
    // The oldest are unknown now (refused, never accepted); the newest and the other reader's stand.
    expect(nonces.consume(issued[0] ?? Buffer.alloc(0), 'reader-01', T)).toBe('unknown');
    expect(nonces.consume(issued.at(-1) ?? Buffer.alloc(0), 'reader-01', T)).toBe('ok');
    expect(nonces.consume(other, 'reader-02', T)).toBe('ok');
  });

  it('holds at most maxNonces challenges in all, and forgets expired ones', () => {
    const nonces = new NonceStore(60_000, { maxPerReader: 4, maxNonces: 10 });
    for (let r = 0; r < 50; r++) nonces.issue(`reader-${r}`, T);
    expect(nonces.size).toBe(10);
    nonces.issue('reader-x', T + 121_000);
    expect(nonces.size).toBe(1);
  });

  it('refuses limits that cannot hold', () => {
    expect(() => new NonceStore(1000, { maxPerReader: 0, maxNonces: 10 })).toThrow(RangeError);
  });
});
