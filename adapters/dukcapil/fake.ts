/**
 * An in-memory DukcapilClient for in-process route tests. It goes through the same normalisation
 * as the real client, so tests see exactly what the gateway would release.
 */
import { normaliseUpstreamRecord } from '../../policies/index.ts';
import { UpstreamFailure, type DukcapilClient, type UpstreamLookup } from './port.ts';

export class FakeDukcapilClient implements DukcapilClient {
  calls = 0;
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

  health(): { breaker: 'closed' } {
    return { breaker: 'closed' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
