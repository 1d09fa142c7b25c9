/**
 * The portal's short-lived memory: tickets and card reads serve their owner only, once, and for
 * their time; IKD nonces are taken once while the presentation is valid; all of it is bounded.
 * Times are given, never waited for.
 */
import { describe, expect, it } from 'vitest';
import { CardReadPickups } from './card-read-pickups.ts';
import { PresentationReplayGuard } from './presentation-replay.ts';
import { ResidentTickets, TICKET_PATTERN } from './resident-tickets.ts';

const CLERK = { client: 'app-pendaftaran', operator: 'petugas-01' };
const NIK = '6474015709900001';

describe('ResidentTickets', () => {
  it('gives the NIK to its owner until the ticket expires or is spent, to no one else', () => {
    const tickets = new ResidentTickets({ ttlMs: 1000 });
    const ticket = tickets.issue(CLERK, NIK, 0);
    expect(ticket).toMatch(TICKET_PATTERN);
    expect(tickets.nikOf(ticket, CLERK, 999)).toBe(NIK);
    expect(tickets.nikOf(ticket, { ...CLERK, operator: 'petugas-02' }, 1)).toBeUndefined();
    expect(tickets.nikOf(ticket, { ...CLERK, client: 'app-kasir' }, 1)).toBeUndefined();
    expect(tickets.nikOf(ticket, CLERK, 1000)).toBeUndefined();
    const spent = tickets.issue(CLERK, NIK, 0);
    tickets.spend(spent);
    expect(tickets.nikOf(spent, CLERK, 1)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const tickets = new ResidentTickets({ capacity: 2 });
    const first = tickets.issue(CLERK, NIK, 0);
    const second = tickets.issue(CLERK, NIK, 1);
    const third = tickets.issue(CLERK, NIK, 2);
    expect(tickets.size).toBe(2);
    expect(tickets.nikOf(first, CLERK, 3)).toBeUndefined();
    expect(tickets.nikOf(second, CLERK, 3)).toBe(NIK);
    expect(tickets.nikOf(third, CLERK, 3)).toBe(NIK);
  });
});

describe('CardReadPickups', () => {
  it('lists the reads of one operator, newest first, by the last four digits, each taken once', () => {
    const reads = new CardReadPickups({ windowMs: 1000 });
    reads.offer({ readerId: 'reader-01', operator: 'petugas-01', nik: NIK, now: 0 });
    reads.offer({
      readerId: 'reader-01',
      operator: 'petugas-01',
      nik: '3316010101850002',
      now: 10,
    });
    reads.offer({ readerId: 'reader-02', operator: 'petugas-02', nik: NIK, now: 20 });
    const waiting = reads.waitingFor('petugas-01', 30);
    expect(waiting.map((read) => read.nikEnding)).toEqual(['0002', '0001']);
    expect(JSON.stringify(waiting)).not.toContain(NIK);
    const [newest] = waiting;
    expect(reads.take(newest?.id ?? '', 'petugas-02', 31)).toBeUndefined();
    expect(reads.take(newest?.id ?? '', 'petugas-01', 31)).toBe('3316010101850002');
    expect(reads.take(newest?.id ?? '', 'petugas-01', 32)).toBeUndefined();
    expect(reads.waitingFor('petugas-01', 1000)).toEqual([]);
  });

  it('keeps at most a few reads per operator', () => {
    const reads = new CardReadPickups({ perOperator: 2 });
    for (let i = 0; i < 5; i++)
      reads.offer({ readerId: 'reader-01', operator: 'petugas-01', nik: NIK, now: i });
    expect(reads.waitingFor('petugas-01', 5).map((read) => read.at)).toEqual([4, 3]);
  });
});

describe('PresentationReplayGuard', () => {
  it('takes a nonce once while it is valid; a full guard refuses rather than forgets', () => {
    const guard = new PresentationReplayGuard(2);
    expect(guard.firstUse('k', 'n1', 100, 0)).toBe(true);
    expect(guard.firstUse('k', 'n1', 100, 50)).toBe(false);
    expect(guard.firstUse('other', 'n1', 100, 50)).toBe(true);
    expect(guard.firstUse('k', 'n2', 100, 50)).toBe(false);
    expect(guard.firstUse('k', 'n2', 200, 100)).toBe(true);
  });
});
