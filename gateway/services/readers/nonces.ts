/**
 * Reader challenges: 32 random bytes, single use, short-lived, bound to the reader that asked.
 * Held in memory only; a restart simply invalidates outstanding challenges.
 */
import { randomBytes } from 'node:crypto';

export type NonceVerdict = 'ok' | 'used' | 'unknown' | 'expired' | 'other_reader';

export class NonceStore {
  private readonly issued = new Map<
    string,
    { readerId: string; expiresAt: number; used: boolean }
  >();
  private readonly ttlMs: number;

  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }

  issue(readerId: string, now: number): { nonce: Buffer; expiresAt: number } {
    this.prune(now);
    const nonce = randomBytes(32);
    const expiresAt = now + this.ttlMs;
    this.issued.set(nonce.toString('base64'), { readerId, expiresAt, used: false });
    return { nonce, expiresAt };
  }

  /** Spends a nonce. Whatever the verdict, it cannot be used again afterwards. */
  consume(nonce: Buffer, readerId: string, now: number): NonceVerdict {
    const key = nonce.toString('base64');
    const entry = this.issued.get(key);
    if (entry === undefined) return 'unknown';
    if (entry.used) return 'used';
    if (entry.readerId !== readerId) return 'other_reader';
    entry.used = true;
    // Used nonces are remembered until they would have expired, to recognise replays.
    return now > entry.expiresAt ? 'expired' : 'ok';
  }

  private prune(now: number): void {
    for (const [key, entry] of this.issued)
      if (now > entry.expiresAt + this.ttlMs) this.issued.delete(key);
  }
}
