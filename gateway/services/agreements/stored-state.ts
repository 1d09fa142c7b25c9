/**
 * Rows of the state database are checked when they are read, by the same rules that admitted
 * them: a value written by an older version or by hand (`sqlite3 state.db`) must never crash the
 * start-up or widen access. An unusable row is set aside, and what depends on it is refused —
 * an agreement that cannot be read is not in force, a client whose standing cannot be read is
 * suspended, a reader whose SAM fingerprint cannot be read is off — while everything else is
 * served. Each problem says where it is and what it causes, for the log, the audit trail and
 * `gerbang doctor`.
 */
import {
  isCalendarDate,
  isInstantInRange,
  isStorableText,
  type AgreementSuspension,
} from '../../../policies/index.ts';
import {
  checkAgreementDocument,
  checkInstrumentDocument,
  type AgreementConfig,
  type InstrumentConfig,
} from '../../config/index.ts';
import type {
  AgreementChange,
  ClientStatus,
  RawAgreementChange,
  RawClientStatus,
  RawInstrumentRow,
  RawSuspensionRow,
  ReaderRow,
} from '../../../adapters/sqlite/port.ts';

export interface StoredStateProblem {
  /** The table and the row's key, e.g. `agreements_added "400.12/2027"`. */
  readonly where: string;
  readonly problem: string;
  /** What is refused because of it. */
  readonly consequence: string;
}

// Keys are shown only in a form that cannot carry anything but an identifier (no NIK-like run).
const SHOWABLE_KEY = /^[A-Za-z0-9][A-Za-z0-9 ./_:-]{0,127}$/;
const keyOf = (table: string, key: unknown, rowid: number): string =>
  typeof key === 'string' && SHOWABLE_KEY.test(key) && isStorableText(key, 'text')
    ? `state.db ${table} "${key}"`
    : `state.db ${table} row ${rowid}`;

export interface CheckedState {
  readonly agreements: AgreementConfig[];
  readonly changes: Map<string, AgreementChange>;
  /** Agreements that must not be in force because a stored change of theirs is unusable. */
  readonly withheld: Set<string>;
  readonly statuses: Map<string, ClientStatus>;
  readonly readers: ReaderRow[];
  readonly problems: StoredStateProblem[];
}

export function checkStoredState(rows: {
  /** The configuration's agreement numbers: a stored row may not shadow one of them. */
  readonly configured: readonly string[];
  readonly added: readonly { rowid: number; number: string; body: string }[];
  readonly changes: readonly RawAgreementChange[];
  readonly statuses: readonly RawClientStatus[];
  readonly readers: readonly (ReaderRow & { rowid: number })[];
}): CheckedState {
  const problems: StoredStateProblem[] = [];
  const agreements: AgreementConfig[] = [];
  const numbers = new Set(rows.configured);
  for (const row of rows.added) {
    const where = keyOf('agreements_added', row.number, row.rowid);
    if (numbers.has(row.number)) {
      // A second window under a number in force would extend that agreement unnoticed.
      problems.push({
        where,
        problem: 'an agreement with this number is already configured or stored',
        consequence: 'this row is not applied: the earlier agreement of that number stands',
      });
      continue;
    }
    const data = parsedOrUndefined(row.body);
    const checked =
      data === undefined
        ? { ok: false as const, problems: ['the stored agreement is not JSON'] }
        : checkAgreementDocument(data);
    if (!checked.ok || checked.agreement.number !== row.number) {
      problems.push({
        where,
        problem: checked.ok
          ? 'the key and the agreement number differ'
          : checked.problems.join('; '),
        consequence: 'this agreement is not applied: no data flows under it',
      });
      continue;
    }
    numbers.add(row.number);
    agreements.push(checked.agreement);
  }

  const changes = new Map<string, AgreementChange>();
  const withheld = new Set<string>();
  for (const row of rows.changes) {
    const where = keyOf('agreement_changes', row.number, row.rowid);
    const change: {
      terminatedAt?: number;
      terminationReason?: string;
      iso27001SubmittedOn?: string;
    } = {};
    if (row.terminated_at !== null) {
      if (isInstantInRange(row.terminated_at)) change.terminatedAt = row.terminated_at;
      else {
        // When it ended cannot be known, so it is not in force at all (fail closed).
        withheld.add(row.number);
        problems.push({
          where,
          problem: 'terminated_at is not an instant from 2000 to 2100',
          consequence: 'the agreement is treated as not in force: no data flows under it',
        });
      }
    }
    if (row.termination_reason !== null) change.terminationReason = row.termination_reason;
    if (row.iso27001_submitted_on !== null) {
      if (isCalendarDate(row.iso27001_submitted_on))
        change.iso27001SubmittedOn = row.iso27001_submitted_on;
      else
        problems.push({
          where,
          problem: 'iso27001_submitted_on is not a calendar date from 2000 to 2100',
          consequence: 'the ISO 27001 submission is not counted until it is recorded again',
        });
    }
    changes.set(row.number, change);
  }

  const statuses = new Map<string, ClientStatus>();
  for (const row of rows.statuses) {
    const known = row.suspended === 0 || row.suspended === 1;
    if (!known)
      problems.push({
        where: keyOf('client_status', row.id, row.rowid),
        problem: 'suspended is neither 0 nor 1',
        consequence: 'the client is treated as suspended until resumed',
      });
    statuses.set(row.id, {
      suspended: row.suspended !== 0,
      ...(row.reason === null ? {} : { reason: row.reason }),
      changedAt: row.changed_at,
    });
  }

  const readers = rows.readers.map(({ rowid, ...reader }): ReaderRow => {
    if (/^[0-9a-f]{64}$/.test(reader.samFingerprint)) return reader;
    problems.push({
      where: keyOf('readers', reader.id, rowid),
      problem: 'sam_fingerprint is not a SHA-256 fingerprint',
      consequence: 'the reader is treated as deactivated until enrolled again',
    });
    return { ...reader, state: reader.state === 'blacklisted' ? 'blacklisted' : 'deactivated' };
  });

  return { agreements, changes, withheld, statuses, readers, problems };
}

/** An agreement with what state.db adds to it: instruments, suspensions. */
export type AmendedAgreement = Omit<AgreementConfig, 'instruments'> & {
  readonly instruments?: readonly InstrumentConfig[];
  readonly suspensions?: readonly AgreementSuspension[];
};

/**
 * Joins the stored instruments and suspensions to their agreements, by the same rules as the
 * rest of state.db: an instrument that cannot be read may narrow what the agreement grants, so
 * its agreement is withheld (not in force) until it is mended; a suspension whose start cannot be
 * read is taken as open since ever, one whose resumption cannot be read as still open.
 */
export function joinAmendments(
  agreements: readonly AgreementConfig[],
  rows: {
    readonly instruments: readonly RawInstrumentRow[];
    readonly suspensions: readonly RawSuspensionRow[];
  },
): { agreements: AmendedAgreement[]; problems: StoredStateProblem[] } {
  const problems: StoredStateProblem[] = [];
  const byNumber = new Map<string, AmendedAgreement>(agreements.map((a) => [a.number, a]));
  const withheld = new Set<string>();
  const taken = new Set(
    agreements.flatMap((a) => [a.number, ...(a.instruments ?? []).map((i) => i.number)]),
  );
  for (const row of rows.instruments) {
    const where = keyOf('agreement_instruments', row.number, row.rowid);
    const agreement = byNumber.get(row.agreement);
    if (agreement === undefined) {
      problems.push({
        where,
        problem: 'it amends no agreement that is configured or stored',
        consequence: 'this instrument is not applied',
      });
      continue;
    }
    if (taken.has(row.number)) {
      problems.push({
        where,
        problem: 'its number is already that of an agreement or an instrument',
        consequence: 'this row is not applied: the earlier document of that number stands',
      });
      continue;
    }
    const data = parsedOrUndefined(row.body);
    const checked =
      data === undefined
        ? { ok: false as const, problems: ['the stored instrument is not JSON'] }
        : checkInstrumentDocument(data, agreement);
    if (!checked.ok || checked.instrument.number !== row.number) {
      withheld.add(row.agreement);
      problems.push({
        where,
        problem: checked.ok
          ? 'the key and the instrument number differ'
          : checked.problems.join('; '),
        consequence:
          'the agreement it amends is treated as not in force until the row is mended: what it changes cannot be known',
      });
      continue;
    }
    taken.add(row.number);
    byNumber.set(row.agreement, {
      ...agreement,
      instruments: [...(agreement.instruments ?? []), checked.instrument],
    });
  }
  for (const row of rows.suspensions) {
    const where = keyOf('agreement_suspensions', row.agreement, row.rowid);
    const agreement = byNumber.get(row.agreement);
    if (agreement === undefined) {
      problems.push({
        where,
        problem: 'it suspends no agreement that is configured or stored',
        consequence: 'nothing is suspended by it',
      });
      continue;
    }
    let from = row.suspended_at;
    if (!isInstantInRange(from)) {
      from = 0;
      problems.push({
        where,
        problem: 'suspended_at is not an instant from 2000 to 2100',
        consequence: 'the agreement is treated as suspended since ever, until the row is mended',
      });
    }
    let until: number | undefined = row.resumed_at ?? undefined;
    if (until !== undefined && !(isInstantInRange(until) && until >= from)) {
      until = undefined;
      problems.push({
        where,
        problem: 'resumed_at is not an instant from 2000 to 2100, not before suspended_at',
        consequence: 'the agreement is treated as still suspended until the row is mended',
      });
    }
    byNumber.set(row.agreement, {
      ...agreement,
      suspensions: [
        ...(agreement.suspensions ?? []),
        {
          from,
          ...(until === undefined ? {} : { until }),
          ...(row.reason === null ? {} : { reason: row.reason }),
        },
      ],
    });
  }
  return {
    agreements: [...byNumber.values()].filter((a) => !withheld.has(a.number)),
    problems,
  };
}

/** A stored row's JSON body, or undefined when it is not JSON (reported as such by the caller). */
function parsedOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
