/**
 * The CRL as the gateway sees it: verified against the client CA, re-read when the file changes
 * (checked at most once a second), consulted on every request. If the CRL cannot be read or does
 * not verify, revocation status is unknown and every client is refused: fail closed.
 */
import { statSync, readFileSync } from 'node:fs';
import type * as pkijs from 'pkijs';
import { fromPem, normaliseSerialHex, readRevokedSerials } from './index.ts';

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

export interface RevocationChecker {
  status(serialHex: string): Promise<RevocationStatus>;
  healthy(): boolean;
}

export class CrlFile implements RevocationChecker {
  private readonly path: string;
  private readonly issuer: pkijs.Certificate;
  private revoked: ReadonlySet<string> | undefined;
  private loadedMtimeMs = -1;
  private lastCheck = 0;
  private loading: Promise<void> | undefined;
  private readonly onError: (reason: string) => void;
  private readonly now: () => number;

  /** `now` (milliseconds) paces the once-a-second stat; a test passes its own to step past it. */
  constructor(
    path: string,
    issuer: pkijs.Certificate,
    onError: (reason: string) => void = () => undefined,
    now: () => number = Date.now,
  ) {
    this.path = path;
    this.issuer = issuer;
    this.onError = onError;
    this.now = now;
  }

  async status(serialHex: string): Promise<RevocationStatus> {
    await this.refresh();
    if (this.revoked === undefined) return 'unknown';
    return this.revoked.has(normaliseSerialHex(serialHex)) ? 'revoked' : 'good';
  }

  healthy(): boolean {
    return this.revoked !== undefined;
  }

  /** Re-reads the file when its mtime changed; at most one stat per second. */
  async refresh(force = false): Promise<void> {
    const now = this.now();
    if (!force && now - this.lastCheck < 1000 && this.revoked !== undefined) return;
    this.lastCheck = now;
    if (this.loading) return this.loading;
    this.loading = this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const mtimeMs = statSync(this.path).mtimeMs;
      if (mtimeMs === this.loadedMtimeMs && this.revoked !== undefined) return;
      const der = fromPem(readFileSync(this.path, 'utf8'), 'X509 CRL');
      this.revoked = await readRevokedSerials(der, this.issuer);
      this.loadedMtimeMs = mtimeMs;
    } catch (error) {
      this.revoked = undefined;
      this.onError(error instanceof Error ? error.message : 'unknown error');
    }
  }
}
