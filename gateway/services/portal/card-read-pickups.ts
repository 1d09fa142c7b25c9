/**
 * Card reads waiting to be picked up at the portal. A clerk's reader agent posts a signed card
 * read naming the clerk as its operator (`--operator <operator id>`); the gateway answers the
 * agent as always and also keeps the read's NIK here, in memory, for a short while. The clerk's
 * portal page lists the reads named after them (reader, time, the NIK's last four digits) and
 * the clerk picks one by its random id: the NIK is never shown in full, never in a URL, and a
 * pick is single-use.
 */
import { randomBytes } from 'node:crypto';

export interface WaitingCardRead {
  readonly id: string;
  readonly readerId: string;
  readonly at: number;
  /** The last four digits, so that the clerk can tell two reads apart. */
  readonly nikEnding: string;
}

interface Held extends WaitingCardRead {
  readonly operator: string;
  readonly nik: string;
}

export const PICKUP_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export class CardReadPickups {
  private readonly held: Held[] = [];
  readonly windowMs: number;
  private readonly perOperator: number;

  constructor(options: { windowMs?: number; perOperator?: number } = {}) {
    this.windowMs = options.windowMs ?? 120_000;
    this.perOperator = options.perOperator ?? 5;
    if (!(this.windowMs > 0 && this.perOperator > 0))
      throw new RangeError('window and perOperator must be > 0');
  }

  /** Keeps a verified card read for `operator`; the oldest of theirs beyond the limit goes. */
  offer(read: { readerId: string; operator: string; nik: string; now: number }): void {
    this.sweep(read.now);
    this.held.push({
      id: randomBytes(16).toString('base64url'),
      readerId: read.readerId,
      operator: read.operator,
      nik: read.nik,
      at: read.now,
      nikEnding: read.nik.slice(-4),
    });
    const mine = this.held.filter((entry) => entry.operator === read.operator);
    for (const extra of mine.slice(0, Math.max(0, mine.length - this.perOperator)))
      this.held.splice(this.held.indexOf(extra), 1);
  }

  /** The reads waiting for `operator`, newest first. */
  waitingFor(operator: string, now: number): WaitingCardRead[] {
    this.sweep(now);
    return this.held
      .filter((entry) => entry.operator === operator)
      .reverse()
      .map(({ id, readerId, at, nikEnding }) => ({ id, readerId, at, nikEnding }));
  }

  /** The NIK of a waiting read of `operator`, removed: a read is picked once. */
  take(id: string, operator: string, now: number): string | undefined {
    this.sweep(now);
    const index = this.held.findIndex((entry) => entry.id === id && entry.operator === operator);
    if (index < 0) return undefined;
    const [entry] = this.held.splice(index, 1);
    return entry?.nik;
  }

  private sweep(now: number): void {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const entry = this.held[i];
      if (entry !== undefined && now - entry.at >= this.windowMs) this.held.splice(i, 1);
    }
  }
}
