/**
 * Counts over the last hour, per minute, as the anomaly rules (anomaly.ts) need them: for one
 * key (`HourlyCounts`, an operator id's lookups) and for keys the configuration bounds
 * (`HourlyWindow`, client ids). Apart from the detector because they are its memory's unit,
 * sized so that the keys a client invents can be held by the thousand.
 */
const MINUTE_MS = 60_000;
const HOUR_MINUTES = 60;

/**
 * Counts within the last hour, in one-minute buckets: this minute and the 59 before it. Sixty
 * counters (240 bytes) per key instead of one per second (3,600) or one per event: a key costs
 * little however busy it is — so that the keys a client invents (operator ids) can be held by
 * the thousand — and each record costs amortised O(1). The hour is therefore exact to the minute.
 */
export class HourlyCounts {
  private readonly buckets = new Uint32Array(HOUR_MINUTES);
  private total = 0;
  private lastMinute: number;

  constructor(time: number) {
    this.lastMinute = Math.floor(time / MINUTE_MS);
  }

  /** Counts one event at `time`; the count of the hour up to the newest event seen. */
  add(time: number): number {
    const minute = Math.floor(time / MINUTE_MS);
    // Expire the minutes that left the hour since the newest event (at most a full turn).
    const elapsed = Math.min(HOUR_MINUTES, minute - this.lastMinute);
    for (let m = this.lastMinute + 1; m <= this.lastMinute + elapsed; m++) {
      const slot = m % HOUR_MINUTES;
      this.total -= this.buckets[slot] ?? 0;
      this.buckets[slot] = 0;
    }
    if (minute > this.lastMinute) this.lastMinute = minute;
    // An event from a moment ago (out of order) still counts if it is within the hour.
    if (this.lastMinute - minute < HOUR_MINUTES) {
      const slot = minute % HOUR_MINUTES;
      this.buckets[slot] = (this.buckets[slot] ?? 0) + 1;
      this.total++;
    }
    return this.total;
  }
}

/** Hourly counts per key, for keys the configuration bounds (client ids). */
export class HourlyWindow {
  private readonly windows = new Map<string, HourlyCounts>();

  add(key: string, time: number): number {
    let window = this.windows.get(key);
    if (window === undefined) {
      window = new HourlyCounts(time);
      this.windows.set(key, window);
    }
    return window.add(time);
  }
}
