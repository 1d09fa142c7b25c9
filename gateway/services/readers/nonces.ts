/**
 * Reader challenges: 32 random bytes, single use, short-lived, bound to the reader that asked.
 * Held in memory only; a restart simply invalidates outstanding challenges.
 *
 * Bounded (issue 19, finding 10): a reader asking for challenges it never answers holds at most
 * `maxPerReader` of them (its oldest is dropped), and all readers together at most `maxNonces`
 * (the oldest is dropped). A dropped challenge is simply unknown afterwards: dropping one can
 * refuse a slow reader's answer, never accept a replay.
 */
import { randomBytes } from 'node:crypto';

export type NonceVerdict = 'ok' | 'used' | 'unknown' | 'expired' | 'other_reader';

export interface NonceLimits {
  /** Challenges one reader may hold at once (its oldest is dropped beyond it). */
  readonly maxPerReader: number;
  /** Challenges held at once, all readers together (the oldest is dropped beyond it). */
  readonly maxNonces: number;
}

const DEFAULT_LIMITS: NonceLimits = { maxPerReader: 16, maxNonces: 10_000 };

interface Issued {
  readonly readerId: string;
  readonly expiresAt: number;
  used: boolean;
}

export class NonceStore {
  /** In the order issued, so that the first entries are the oldest. */
  private readonly issued = new Map<string, Issued>();
  private readonly perReader = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly limits: NonceLimits;

  constructor(ttlMs: number, limits: NonceLimits = DEFAULT_LIMITS) {
    if (limits.maxPerReader < 1 || limits.maxNonces < limits.maxPerReader)
      throw new RangeError('nonce limits need maxNonces >= maxPerReader >= 1');
    this.ttlMs = ttlMs;
    this.limits = limits;
  }

  /** Challenges held now (issued and not yet forgotten). */
  get size(): number {
    return this.issued.size;
  }

  issue(readerId: string, now: number): { nonce: Buffer; expiresAt: number } {
    this.prune(now);
    if ((this.perReader.get(readerId) ?? 0) >= this.limits.maxPerReader)
      this.dropOldest((entry) => entry.readerId === readerId);
    if (this.issued.size >= this.limits.maxNonces) this.dropOldest(() => true);
    const nonce = randomBytes(32);
    const expiresAt = now + this.ttlMs;
    this.issued.set(nonce.toString('base64'), { readerId, expiresAt, used: false });
    this.perReader.set(readerId, (this.perReader.get(readerId) ?? 0) + 1);
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

  private forget(key: string, entry: Issued): void {
    this.issued.delete(key);
    const left = (this.perReader.get(entry.readerId) ?? 1) - 1;
    if (left > 0) this.perReader.set(entry.readerId, left);
    else this.perReader.delete(entry.readerId);
  }

  private dropOldest(matches: (entry: Issued) => boolean): void {
    for (const [key, entry] of this.issued) {
      if (!matches(entry)) continue;
      this.forget(key, entry);
      return;
    }
  }

  private prune(now: number): void {
    for (const [key, entry] of this.issued)
      if (now > entry.expiresAt + this.ttlMs) this.forget(key, entry);
  }
}
