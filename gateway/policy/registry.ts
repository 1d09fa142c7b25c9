/**
 * What policy sees: the agreements (configuration plus renewals, addenda, terminations and ISO
 * 27001 submissions from the state database) and each client's standing. Re-read when the state
 * database changed, at most every half second, so a change made with the CLI applies at once
 * without a restart.
 */
import {
  agreementInForce,
  type AgreementInForce,
  type ClientProfile,
} from '../../policies/index.ts';
import type { AgreementConfig, GerbangConfig } from '../config/index.ts';
import type { ClientStatus, ReaderRow, StateDb } from './state-db.ts';
import { checkStoredState, type StoredStateProblem } from './stored-state.ts';

export type Agreement = AgreementConfig & {
  readonly terminatedAt?: number;
  readonly terminationReason?: string;
};

export class PolicyRegistry {
  private readonly config: GerbangConfig;
  private readonly state: StateDb;
  private agreementList: Agreement[] = [];
  private statuses = new Map<string, ClientStatus>();
  private readerRows = new Map<string, ReaderRow>();
  private problemList: StoredStateProblem[] = [];
  private checkedAt = -Infinity;
  private readonly onProblems: (problems: readonly StoredStateProblem[]) => void;

  /** `onProblems` hears of unusable stored rows whenever the set of them changes. */
  constructor(
    config: GerbangConfig,
    state: StateDb,
    onProblems: (problems: readonly StoredStateProblem[]) => void = () => undefined,
  ) {
    this.config = config;
    this.state = state;
    this.onProblems = onProblems;
    this.refresh(true);
  }

  /** Re-reads the state database if it changed (at most every 500 ms unless forced). */
  refresh(force = false): void {
    const now = performance.now();
    if (!force && now - this.checkedAt < 500) return;
    this.checkedAt = now;
    if (!this.state.changed() && !force) return;
    const stored = checkStoredState({
      added: this.state.addedAgreementRows(),
      changes: this.state.agreementChangeRows(),
      statuses: this.state.clientStatusRows(),
      readers: this.state.readerRows(),
    });
    this.agreementList = [...this.config.agreements, ...stored.agreements]
      .filter((agreement) => !stored.withheld.has(agreement.number))
      .map((agreement) => {
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
    const before = JSON.stringify(this.problemList);
    this.problemList = stored.problems;
    if (JSON.stringify(this.problemList) !== before) this.onProblems(this.problemList);
  }

  /** Stored rows that could not be used, and what each of them causes. */
  storedStateProblems(): readonly StoredStateProblem[] {
    this.refresh();
    return this.problemList;
  }

  agreements(): readonly Agreement[] {
    this.refresh();
    return this.agreementList;
  }

  inForce(now: number): AgreementInForce<Agreement> | undefined {
    return agreementInForce(this.agreements(), now);
  }

  clientStatus(id: string): ClientStatus | undefined {
    this.refresh();
    return this.statuses.get(id);
  }

  reader(id: string): ReaderRow | undefined {
    this.refresh();
    return this.readerRows.get(id);
  }

  readers(): ReaderRow[] {
    this.refresh();
    return [...this.readerRows.values()];
  }

  profile(id: string): ClientProfile | undefined {
    return this.config.principals[id]?.profile;
  }
}
