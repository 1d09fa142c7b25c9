/**
 * What policy sees: the agreements (configuration plus renewals, addenda, terminations and ISO
 * 27001 submissions from the state database) and each client's standing. Re-read when the state
 * database changed, at most every half second, so a change made with the CLI applies at once
 * without a restart.
 */
import {
  agreementInForce,
  agreementServes,
  nextStateChange,
  type AgreementInForce,
  type ClientProfile,
} from '../../../policies/index.ts';
import { configuredPrincipal, DEFAULT_UPSTREAM, type GerbangConfig } from '../../config/index.ts';
import {
  StorageUnavailable,
  type ClientStatus,
  type ReaderRow,
  type StateStore,
} from '../../../adapters/sqlite/port.ts';
import {
  checkStoredState,
  joinAmendments,
  type AmendedAgreement,
  type StoredStateProblem,
} from './stored-state.ts';

export type Agreement = AmendedAgreement & {
  readonly terminatedAt?: number;
  readonly terminationReason?: string;
};

interface GoverningAnswer {
  readonly from: number;
  readonly until: number;
  readonly answer: AgreementInForce<Agreement> | undefined;
}

/** A ceiling on kept answers. Clients and readers are configured or enrolled, so far fewer exist. */
const GOVERNING_ANSWERS_KEPT = 4096;

export class PolicyRegistry {
  private readonly config: GerbangConfig;
  private readonly state: StateStore;
  private agreementList: Agreement[] = [];
  private statuses = new Map<string, ClientStatus>();
  private readerRows = new Map<string, ReaderRow>();
  private problemList: StoredStateProblem[] = [];
  /** Set while state.db cannot be read at all: nothing of it is known, so nothing is served. */
  private unreadable: StorageUnavailable | undefined;
  private checkedAt = -Infinity;
  /** `governing`'s answers for the agreement list read last, each with the span it holds for. */
  private governingList: readonly Agreement[] | undefined;
  private readonly governingAnswers = new Map<string, GoverningAnswer>();
  private readonly onProblems: (problems: readonly StoredStateProblem[]) => void;
  private readonly monotonic: () => number;

  /**
   * `onProblems` hears of unusable stored rows whenever the set of them changes; `monotonic`
   * (milliseconds) paces the re-reads, and a test passes its own to step past the half second.
   */
  constructor(
    config: GerbangConfig,
    state: StateStore,
    onProblems: (problems: readonly StoredStateProblem[]) => void = () => undefined,
    monotonic: () => number = () => performance.now(),
  ) {
    this.config = config;
    this.state = state;
    this.onProblems = onProblems;
    this.monotonic = monotonic;
    this.refresh(true);
  }

  /** Re-reads the state database if it changed (at most every 500 ms unless forced). */
  refresh(force = false): void {
    const now = this.monotonic();
    if (!force && now - this.checkedAt < 500) return;
    this.checkedAt = now;
    let stored: ReturnType<typeof checkStoredState>;
    try {
      // An unreadable database is read again at every refresh until it can be.
      if (!this.state.changed() && !force && this.unreadable === undefined) return;
      stored = checkStoredState({
        configured: this.config.agreements.map((agreement) => agreement.number),
        added: this.state.addedAgreementRows(),
        changes: this.state.agreementChangeRows(),
        statuses: this.state.clientStatusRows(),
        readers: this.state.readerRows(),
      });
    } catch (error) {
      if (!(error instanceof StorageUnavailable)) throw error;
      this.refuseUnreadable(error);
      return;
    }
    let amended: ReturnType<typeof joinAmendments>;
    try {
      amended = joinAmendments(
        [...this.config.agreements, ...stored.agreements].filter(
          (agreement) => !stored.withheld.has(agreement.number),
        ),
        { instruments: this.state.instrumentRows(), suspensions: this.state.suspensionRows() },
      );
    } catch (error) {
      if (!(error instanceof StorageUnavailable)) throw error;
      this.refuseUnreadable(error);
      return;
    }
    this.unreadable = undefined;
    this.agreementList = amended.agreements.map((agreement): Agreement => {
      const change = stored.changes.get(agreement.number);
      return {
        ...agreement,
        ...(change?.terminatedAt === undefined ? {} : { terminatedAt: change.terminatedAt }),
        ...(change?.terminationReason === undefined
          ? {}
          : { terminationReason: change.terminationReason }),
        ...(change?.iso27001SubmittedOn === undefined
          ? {}
          : { iso27001SubmittedOn: change.iso27001SubmittedOn }),
      };
    });
    this.statuses = stored.statuses;
    this.readerRows = new Map(stored.readers.map((row) => [row.id, row]));
    this.publish([...stored.problems, ...amended.problems]);
  }

  /**
   * state.db could not be read. Fail closed: the last state read is not served either, since a
   * termination or a suspension may have been written since.
   */
  private refuseUnreadable(error: StorageUnavailable): void {
    this.unreadable = error;
    this.publish([
      {
        where: 'state.db',
        problem: error.message,
        consequence:
          'agreements, suspensions and readers are unknown: data requests are refused (503 state_unavailable) until it can be read',
      },
    ]);
  }

  private publish(problems: StoredStateProblem[]): void {
    const before = JSON.stringify(this.problemList);
    this.problemList = problems;
    if (JSON.stringify(problems) !== before) this.onProblems(problems);
  }

  /** Every accessor: the state as read, or StorageUnavailable while state.db cannot be read. */
  private current(): void {
    this.refresh();
    if (this.unreadable !== undefined) throw this.unreadable;
  }

  /** False while state.db cannot be read at all (its problem says why). */
  stateReadable(): boolean {
    this.refresh();
    return this.unreadable === undefined;
  }

  /** Stored rows that could not be used, and what each of them causes. */
  storedStateProblems(): readonly StoredStateProblem[] {
    this.refresh();
    return this.problemList;
  }

  agreements(): readonly Agreement[] {
    this.current();
    return this.agreementList;
  }

  /**
   * The agreement in force at `now` among all (what the monitor, the reports and health show).
   * With agreements for different clients or upstreams, a request asks `governing` instead.
   */
  inForce(now: number): AgreementInForce<Agreement> | undefined {
    return agreementInForce(this.agreements(), now);
  }

  /** The upstream an agreement is with (absent: the one configured `upstream`). */
  static upstreamOf(agreement: Pick<Agreement, 'upstream'>): string {
    return agreement.upstream ?? DEFAULT_UPSTREAM;
  }

  /**
   * Which agreement governs `client` at `now`: among those that serve it (an agreement without
   * `clients` serves every client), and with `upstream` given, among those with that upstream,
   * the one in force as amended at that instant.
   */
  governing(
    client: string,
    now: number,
    upstream?: string,
  ): AgreementInForce<Agreement> | undefined {
    const list = this.agreements();
    // Asked several times per request. The answer is a function of the list read and of `now`
    // that changes only at the instants nextStateChange names, so it is kept for the span
    // [asked at, next change) and asked again outside it: a clock set back, or forward past the
    // change, recomputes it, and so does every new reading of state.db (a new list).
    if (this.governingList !== list || this.governingAnswers.size >= GOVERNING_ANSWERS_KEPT) {
      this.governingAnswers.clear();
      this.governingList = list;
    }
    const key = upstream === undefined ? client : `${client}\u0000${upstream}`;
    const kept = this.governingAnswers.get(key);
    if (kept !== undefined && kept.from <= now && now < kept.until) return kept.answer;
    const serving = list.filter(
      (agreement) =>
        agreementServes(agreement, client) &&
        (upstream === undefined || PolicyRegistry.upstreamOf(agreement) === upstream),
    );
    const answer = agreementInForce(serving, now);
    this.governingAnswers.set(key, {
      from: now,
      until: nextStateChange(serving, now) ?? Infinity,
      answer,
    });
    return answer;
  }

  clientStatus(id: string): ClientStatus | undefined {
    this.current();
    return this.statuses.get(id);
  }

  reader(id: string): ReaderRow | undefined {
    this.current();
    return this.readerRows.get(id);
  }

  readers(): ReaderRow[] {
    this.current();
    return [...this.readerRows.values()];
  }

  profile(id: string): ClientProfile | undefined {
    return configuredPrincipal(this.config, id)?.profile;
  }
}
