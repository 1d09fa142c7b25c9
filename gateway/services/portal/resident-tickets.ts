/**
 * The portal's hand-over of a NIK from one page to the next without putting it in a URL, a form
 * field or on disk: a lookup leaves the NIK here, in memory, under a random ticket bound to the
 * operator and client who looked it up; the return-data form carries only the ticket. A ticket
 * lives a few minutes, serves one return-data submission, and is useless to anyone else.
 */
import { randomBytes } from 'node:crypto';

/** Who may use a ticket: the operator and the client it acts for. */
export interface TicketOwner {
  readonly client: string;
  readonly operator: string;
}

interface Ticket extends TicketOwner {
  readonly nik: string;
  readonly expiresAt: number;
}

export const TICKET_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export class ResidentTickets {
  private readonly tickets = new Map<string, Ticket>();
  private readonly ttlMs: number;
  private readonly capacity: number;

  constructor(options: { ttlMs?: number; capacity?: number } = {}) {
    this.ttlMs = options.ttlMs ?? 15 * 60_000;
    this.capacity = options.capacity ?? 2000;
    if (!(this.ttlMs > 0 && this.capacity > 0))
      throw new RangeError('ttl and capacity must be > 0');
  }

  /** A ticket for `nik`; the oldest ticket goes when the store is full (memory stays bounded). */
  issue(owner: TicketOwner, nik: string, now: number): string {
    this.sweep(now);
    while (this.tickets.size >= this.capacity) {
      const oldest = this.tickets.keys().next().value;
      if (oldest === undefined) break;
      this.tickets.delete(oldest);
    }
    const token = randomBytes(24).toString('base64url');
    this.tickets.set(token, { ...owner, nik, expiresAt: now + this.ttlMs });
    return token;
  }

  /** The NIK of a current ticket of this owner; undefined for any other ticket, or none. */
  nikOf(token: string, owner: TicketOwner, now: number): string | undefined {
    const ticket = this.tickets.get(token);
    if (ticket === undefined) return undefined;
    if (ticket.expiresAt <= now) {
      this.tickets.delete(token);
      return undefined;
    }
    if (ticket.client !== owner.client || ticket.operator !== owner.operator) return undefined;
    return ticket.nik;
  }

  /** Ends a ticket (its return data was queued). */
  spend(token: string): void {
    this.tickets.delete(token);
  }

  get size(): number {
    return this.tickets.size;
  }

  private sweep(now: number): void {
    for (const [token, ticket] of this.tickets)
      if (ticket.expiresAt <= now) this.tickets.delete(token);
  }
}
