/**
 * An in-memory DukcapilClient for in-process route tests. It goes through the same normalisation
 * as the real client, so tests see exactly what the gateway would release.
 */
import { compareClaims, normaliseUpstreamRecord, type ElementName } from '../../policies/index.ts';
import {
  UpstreamFailure,
  type DukcapilClient,
  type UpstreamLookup,
  type UpstreamVerification,
} from './port.ts';

export class FakeDukcapilClient implements DukcapilClient {
  calls = 0;
  /** How many of `calls` were CALL_VERIFY_BY_ELEMEN. */
  verifyCalls = 0;
  /** Makes every call fail: an UpstreamFailure, or any other error to test unexpected faults. */
  failWith: Error | undefined;

  private readonly population: ReadonlyMap<string, Readonly<Record<string, unknown>>>;

  constructor(population: ReadonlyMap<string, Readonly<Record<string, unknown>>>) {
    this.population = population;
  }

  lookupByNik(nik: string): Promise<UpstreamLookup> {
    this.calls++;
    if (this.failWith) return Promise.reject(this.failWith);
    const raw = this.population.get(nik);
    if (raw === undefined)
      return Promise.reject(new UpstreamFailure('not_found', 'data not found'));
    return Promise.resolve({
      record: normaliseUpstreamRecord(raw).record,
      upstreamStatus: 200,
      latencyMs: 0,
    });
  }

  /** The threshold of the last CALL_VERIFY_BY_ELEMEN, to check that the agreement's is sent. */
  lastThreshold: number | undefined;

  /** Verdicts as Dukcapil would give them, computed here with the gateway's own comparison. */
  async verifyByElements(
    nik: string,
    claims: Readonly<Partial<Record<ElementName, string>>>,
    threshold: number,
  ): Promise<UpstreamVerification> {
    this.verifyCalls++;
    this.lastThreshold = threshold;
    const { record } = await this.lookupByNik(nik);
    const verdicts = compareClaims(record, claims, threshold);
    return { verdicts, upstreamStatus: 200, latencyMs: 0 };
  }

  health(): { breaker: 'closed' } {
    return { breaker: 'closed' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
