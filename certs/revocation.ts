/**
 * The CRL as the gateway sees it: verified against the client CA, re-read when the file changes
 * (checked at most once a second), consulted on every request. Only a *fresh* CRL is used:
 *
 * - one older than the newest this gateway has applied (lower CRL number; the same number with an
 *   earlier `thisUpdate`) is refused, so that copying an old signed CRL back cannot un-revoke a
 *   certificate; the newest applied is kept durably (`CrlMarkStore`, state.db), so that a restart
 *   with the old file in place does not roll back either;
 * - one past its `nextUpdate` (plus the configured grace) is unusable: the CA has promised a newer
 *   one by then, which may revoke more.
 *
 * Whenever the file holds no usable CRL (unreadable, not signed by the CA, older, expired) the
 * revocation status is unknown and every client is refused: fail closed. There is no fallback to
 * an earlier list: the operator meant the file to change, perhaps to revoke someone.
 */
import { statSync, readFileSync } from 'node:fs';
import type * as pkijs from 'pkijs';
import { fromPem, normaliseSerialHex } from './index.ts';
import { CrlError, readCrl } from './crl.ts';
import { certificateDer } from './x509.ts';
import { createHash } from 'node:crypto';

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

/**
 * Whether a revocation list is in force, and if not why (the reason code of `/readyz`):
 * `invalid` (unreadable, not the CA's, no CRL number or nextUpdate), `rolled_back` (older than one
 * already applied), `expired` (past nextUpdate plus the grace).
 */
export type RevocationListCondition = 'ok' | 'invalid' | 'rolled_back' | 'expired';

export interface RevocationChecker {
  status(serialHex: string): Promise<RevocationStatus>;
  /** True while a revocation list is in force (`condition() === 'ok'`). */
  healthy(): boolean;
  /** Why not, when not; a checker without it is `ok` or `invalid` as `healthy()` says. */
  condition?(): RevocationListCondition;
}

/** The checker's condition, from `healthy()` when it gives no reason. */
export const revocationListCondition = (checker: RevocationChecker): RevocationListCondition =>
  checker.condition?.() ?? (checker.healthy() ? 'ok' : 'invalid');

/** Where a CRL stands in its CA's sequence: compared by number, then by `thisUpdate`. */
export interface CrlMark {
  readonly crlNumber: bigint;
  /** Milliseconds. */
  readonly thisUpdate: number;
}

/** Negative when `a` is older than `b`, zero when the same, positive when newer. */
export function compareCrlMarks(a: CrlMark, b: CrlMark): number {
  if (a.crlNumber !== b.crlNumber) return a.crlNumber < b.crlNumber ? -1 : 1;
  return Math.sign(a.thisUpdate - b.thisUpdate);
}

/**
 * The newest CRL applied per CA (by the CA certificate's SHA-256), kept where a restart finds it.
 * Either method may throw when the store cannot be used; the CRL file then tries again later.
 */
export interface CrlMarkStore {
  highestCrl(issuerSha256: string): CrlMark | undefined;
  /** Raises the stored mark to `mark`; never lowers it. */
  recordHighestCrl(issuerSha256: string, mark: CrlMark, at: Date): void;
}

/** The CRL in force: whom it revokes, its place in the sequence and when it lapses. */
export interface CrlInForce extends CrlMark {
  readonly revoked: ReadonlySet<string>;
  readonly nextUpdate: number;
}

export interface CrlFileOptions {
  /** Hears why a CRL file was not applied: every client is refused meanwhile. */
  readonly onError?: (reason: string) => void;
  /** Hears, once until it works again, that the mark store cannot be used (the CRL still is). */
  readonly onStoreError?: (reason: string) => void;
  /** Milliseconds; paces the once-a-second stat (the gateway passes a monotonic clock). */
  readonly now?: () => number;
  /** Milliseconds; the clock `nextUpdate` is judged by (the system's, like TLS validity). */
  readonly wallClock?: () => number;
  /** How long past `nextUpdate` a CRL is still used (`server.crlGraceSeconds`). */
  readonly graceMs?: number;
  /** Durable memory of the newest CRL applied; without it, only this process's memory. */
  readonly marks?: CrlMarkStore;
}

/** The key of a CA's mark in the store: the SHA-256 (hex) of its certificate. */
export const crlIssuerKey = (issuer: pkijs.Certificate): string =>
  createHash('sha256').update(certificateDer(issuer)).digest('hex');

export const describeMark = (mark: CrlMark): string =>
  `number ${mark.crlNumber.toString()}, issued ${new Date(mark.thisUpdate).toISOString()}`;

export class CrlFile implements RevocationChecker {
  private readonly path: string;
  private readonly issuer: pkijs.Certificate;
  private readonly issuerSha256: string;
  private readonly onError: (reason: string) => void;
  private readonly onStoreError: (reason: string) => void;
  private readonly now: () => number;
  private readonly wallClock: () => number;
  private readonly graceMs: number;
  private readonly marks: CrlMarkStore | undefined;
  private current: CrlInForce | undefined;
  /** Why `current` is undefined. */
  private refusal: 'invalid' | 'rolled_back' = 'invalid';
  /** The newest CRL applied by this process (never lowered). */
  private highest: CrlMark | undefined;
  /** False until the stored mark has been read and, if lower, raised to `highest`. */
  private markSynced = false;
  /** Whether the store's failure was reported (once, until it works again). */
  private markFailureReported = false;
  /** The file (mtime, size, inode) last judged, accepted or refused. */
  private judgedFile: string | undefined;
  private lastCheck = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(path: string, issuer: pkijs.Certificate, options: CrlFileOptions = {}) {
    this.path = path;
    this.issuer = issuer;
    this.issuerSha256 = crlIssuerKey(issuer);
    this.onError = options.onError ?? (() => undefined);
    this.onStoreError = options.onStoreError ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.wallClock = options.wallClock ?? Date.now;
    this.graceMs = options.graceMs ?? 0;
    this.marks = options.marks;
  }

  async status(serialHex: string): Promise<RevocationStatus> {
    await this.refresh();
    const crl = this.current;
    if (crl === undefined || this.condition() !== 'ok') return 'unknown';
    return crl.revoked.has(normaliseSerialHex(serialHex)) ? 'revoked' : 'good';
  }

  healthy(): boolean {
    return this.condition() === 'ok';
  }

  condition(): RevocationListCondition {
    if (this.current === undefined) return this.refusal;
    return this.wallClock() >= this.current.nextUpdate + this.graceMs ? 'expired' : 'ok';
  }

  /** The CRL applied, usable or expired; undefined when the file holds none that can be. */
  inForce(): CrlInForce | undefined {
    return this.current;
  }

  /** Re-reads the file when it changed; at most one stat per second unless forced. */
  async refresh(force = false): Promise<void> {
    const now = this.now();
    if (!force && now - this.lastCheck < 1000 && this.current !== undefined) return;
    this.lastCheck = now;
    if (this.loading) return this.loading;
    this.loading = this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    let file: string;
    try {
      const stat = statSync(this.path);
      file = `${String(stat.mtimeMs)}:${String(stat.size)}:${String(stat.ino)}`;
    } catch (error) {
      this.judgedFile = undefined;
      this.refuse('invalid', error instanceof Error ? error.message : 'unknown error');
      return;
    }
    if (file !== this.judgedFile) {
      this.judgedFile = file;
      await this.judge();
    }
    if (!this.markSynced) this.syncMark();
  }

  /** Applies the file's CRL if it verifies, is complete and is not older than one applied. */
  private async judge(): Promise<void> {
    let crl: Awaited<ReturnType<typeof readCrl>>;
    try {
      crl = await readCrl(fromPem(readFileSync(this.path, 'utf8'), 'X509 CRL'), this.issuer);
      if (crl.crlNumber === undefined)
        throw new CrlError('the CRL has no CRL number: it cannot be ordered, so it is not used');
      if (crl.nextUpdate === undefined)
        throw new CrlError(
          'the CRL has no nextUpdate: its freshness is unknown, so it is not used',
        );
    } catch (error) {
      this.refuse('invalid', error instanceof Error ? error.message : 'unknown error');
      return;
    }
    const candidate: CrlInForce = {
      revoked: crl.revoked,
      crlNumber: crl.crlNumber,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
    };
    if (this.highest !== undefined && compareCrlMarks(candidate, this.highest) < 0) {
      this.refuseAsOlder(candidate, this.highest);
      return;
    }
    this.current = candidate;
    if (this.highest === undefined || compareCrlMarks(candidate, this.highest) > 0) {
      this.highest = { crlNumber: candidate.crlNumber, thisUpdate: candidate.thisUpdate };
      this.markSynced = false;
    }
  }

  /**
   * Brings this process and the store to the same, highest mark: a stored mark above the CRL in
   * force refuses it (a restart with an old file in place); a lower one is raised. When the store
   * cannot be used, the CRL is judged by this process's memory and nextUpdate meanwhile, and the
   * next refresh tries again.
   */
  private syncMark(): void {
    if (this.marks === undefined) {
      this.markSynced = true;
      return;
    }
    try {
      const stored = this.marks.highestCrl(this.issuerSha256);
      if (
        stored !== undefined &&
        (this.highest === undefined || compareCrlMarks(stored, this.highest) > 0)
      )
        this.highest = stored;
      const current = this.current;
      if (
        current !== undefined &&
        this.highest !== undefined &&
        compareCrlMarks(current, this.highest) < 0
      )
        this.refuseAsOlder(current, this.highest);
      if (
        this.highest !== undefined &&
        (stored === undefined || compareCrlMarks(this.highest, stored) > 0)
      )
        this.marks.recordHighestCrl(this.issuerSha256, this.highest, new Date(this.wallClock()));
      this.markSynced = true;
      this.markFailureReported = false;
    } catch (error) {
      if (this.markFailureReported) return;
      this.markFailureReported = true;
      this.onStoreError(
        `the newest CRL applied cannot be read or kept (${error instanceof Error ? error.message : 'unknown error'}): CRLs are judged by this process's memory until it can`,
      );
    }
  }

  private refuseAsOlder(candidate: CrlMark, highest: CrlMark): void {
    this.refuse(
      'rolled_back',
      `the CRL (${describeMark(candidate)}) is older than one this gateway has applied (${describeMark(highest)}): publish a fresh CRL (gerbang certs crl) and copy it to server.crlFile`,
    );
  }

  private refuse(why: 'invalid' | 'rolled_back', reason: string): void {
    this.current = undefined;
    this.refusal = why;
    this.onError(reason);
  }
}
