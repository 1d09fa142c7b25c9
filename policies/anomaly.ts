/**
 * Anomaly rules (ISO 27001 8.16) over the stream of audit records, as a pure state machine: the
 * caller feeds observations with their times and receives alerts. Each rule alerts at most once
 * per key (operator, client) per cooldown, so an incident produces one alert, not thousands.
 *
 * Sequential probing is detected without keeping any NIK: the data path passes an HMAC of the
 * NIK's first 12 digits (region and birth date) and the 4-digit serial; a run of lookups with the
 * same prefix and serials a few apart is enumeration.
 */
import { zoneOffsetMs } from './agreement.ts';

export interface Observation {
  readonly time: number;
  readonly type: string;
  readonly outcome: string;
  readonly errorCode?: string | undefined;
  readonly client?: string | undefined;
  readonly operator?: string | undefined;
}

export interface ProbeObservation {
  readonly time: number;
  readonly operator: string;
  readonly client: string;
  /** HMAC of the NIK's first 12 digits: same region and birth date, never reversible here. */
  readonly prefixKey: string;
  readonly serial: number;
}

export interface ServiceHours {
  readonly timeZone: string;
  /** ISO weekdays 1 (Monday) to 7 (Sunday). */
  readonly days: readonly number[];
  readonly from: string; // HH:MM
  readonly to: string; // HH:MM, exclusive
}

export interface AnomalySettings {
  readonly operatorLookupsPerHour: number;
  readonly serviceHours?: ServiceHours | undefined;
  readonly notFound: {
    readonly window: number;
    readonly minLookups: number;
    readonly ratio: number;
  };
  readonly sequentialRun: number;
  readonly sequentialMaxGap: number;
  readonly refusedElementsPerHour: number;
  readonly cooldownMs: number;
}

export type AnomalyRule =
  | 'operator_rate'
  | 'outside_service_hours'
  | 'not_found_ratio'
  | 'sequential_probing'
  | 'refused_elements'
  | 'return_data_overdue';

export interface Alert {
  readonly rule: AnomalyRule;
  readonly time: number;
  readonly client?: string | undefined;
  readonly operator?: string | undefined;
  readonly detail: Readonly<Record<string, string | number>>;
}

const HOUR_MS = 3_600_000;
const HOUR_SECONDS = HOUR_MS / 1000;
const DATA_TYPES = new Set(['lookup', 'verify', 'card_read']);

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `time` falls inside the service hours, in their zone. */
export function withinServiceHours(hours: ServiceHours, time: number): boolean {
  const local = new Date(time + zoneOffsetMs(time, hours.timeZone));
  const weekday = ((local.getUTCDay() + 6) % 7) + 1;
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return (
    hours.days.includes(weekday) &&
    minutes >= minutesOf(hours.from) &&
    minutes < minutesOf(hours.to)
  );
}

/**
 * Counts within the last hour, per key, in one-second buckets: memory is bounded (3,600 counters
 * per key) however busy an operator is — keeping every timestamp of the hour held millions of
 * numbers under a bulk load — and each record costs amortised O(1).
 */
class HourlyWindow {
  private readonly windows = new Map<
    string,
    { buckets: Uint32Array; total: number; lastSecond: number }
  >();

  add(key: string, time: number): number {
    const second = Math.floor(time / 1000);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { buckets: new Uint32Array(HOUR_SECONDS), total: 0, lastSecond: second };
      this.windows.set(key, window);
    }
    // Expire the seconds that left the hour since the last record (at most a full turn).
    const elapsed = Math.min(HOUR_SECONDS, second - window.lastSecond);
    for (let s = window.lastSecond + 1; s <= window.lastSecond + elapsed; s++) {
      const slot = s % HOUR_SECONDS;
      window.total -= window.buckets[slot] ?? 0;
      window.buckets[slot] = 0;
    }
    if (second > window.lastSecond) window.lastSecond = second;
    // A record from a moment ago (out of order) still counts if it is within the hour.
    if (window.lastSecond - second < HOUR_SECONDS) {
      const slot = second % HOUR_SECONDS;
      window.buckets[slot] = (window.buckets[slot] ?? 0) + 1;
      window.total++;
    }
    return window.total;
  }
}

export class AnomalyDetector {
  private readonly settings: AnomalySettings;
  private readonly lastAlert = new Map<string, number>();
  private readonly operatorLookups = new HourlyWindow();
  private readonly refusedElements = new HourlyWindow();
  private readonly outcomes = new Map<string, boolean[]>();
  private readonly probes = new Map<string, { prefixKey: string; serial: number; run: number }>();

  constructor(settings: AnomalySettings) {
    this.settings = settings;
  }

  private raise(alert: Alert, key: string): Alert[] {
    const dedupe = `${alert.rule}:${key}`;
    const last = this.lastAlert.get(dedupe);
    if (last !== undefined && alert.time - last < this.settings.cooldownMs) return [];
    this.lastAlert.set(dedupe, alert.time);
    return [alert];
  }

  /** One audit record. */
  observe(o: Observation): Alert[] {
    const alerts: Alert[] = [];
    const isData = DATA_TYPES.has(o.type);
    if (isData && o.operator !== undefined && o.outcome !== 'denied') {
      const count = this.operatorLookups.add(`${o.client ?? ''}/${o.operator}`, o.time);
      if (count > this.settings.operatorLookupsPerHour) {
        alerts.push(
          ...this.raise(
            {
              rule: 'operator_rate',
              time: o.time,
              client: o.client,
              operator: o.operator,
              detail: { lookupsLastHour: count, threshold: this.settings.operatorLookupsPerHour },
            },
            `${o.client ?? ''}/${o.operator}`,
          ),
        );
      }
    }
    const hours = this.settings.serviceHours;
    if (isData && hours !== undefined && !withinServiceHours(hours, o.time)) {
      alerts.push(
        ...this.raise(
          {
            rule: 'outside_service_hours',
            time: o.time,
            client: o.client,
            operator: o.operator,
            detail: { serviceHours: `${hours.from}-${hours.to} ${hours.timeZone}` },
          },
          `${o.client ?? ''}/${o.operator ?? ''}`,
        ),
      );
    }
    if (
      isData &&
      o.client !== undefined &&
      (o.outcome === 'success' || o.outcome === 'not_found')
    ) {
      const { window, minLookups, ratio } = this.settings.notFound;
      const list = this.outcomes.get(o.client) ?? [];
      list.push(o.outcome === 'not_found');
      if (list.length > window) list.shift();
      this.outcomes.set(o.client, list);
      const misses = list.filter(Boolean).length;
      if (list.length >= minLookups && misses / list.length > ratio) {
        alerts.push(
          ...this.raise(
            {
              rule: 'not_found_ratio',
              time: o.time,
              client: o.client,
              operator: o.operator,
              detail: { notFound: misses, lookups: list.length, threshold: ratio },
            },
            o.client,
          ),
        );
      }
    }
    if (o.errorCode === 'field_not_allowed' && o.client !== undefined) {
      const count = this.refusedElements.add(o.client, o.time);
      if (count >= this.settings.refusedElementsPerHour) {
        alerts.push(
          ...this.raise(
            {
              rule: 'refused_elements',
              time: o.time,
              client: o.client,
              operator: o.operator,
              detail: { refusalsLastHour: count, threshold: this.settings.refusedElementsPerHour },
            },
            o.client,
          ),
        );
      }
    }
    return alerts;
  }

  /** One lookup's NIK shape (see the module comment). */
  observeProbe(p: ProbeObservation): Alert[] {
    const key = `${p.client}/${p.operator}`;
    const previous = this.probes.get(key);
    const gap = previous === undefined ? Infinity : Math.abs(p.serial - previous.serial);
    const run =
      previous !== undefined &&
      previous.prefixKey === p.prefixKey &&
      gap >= 1 &&
      gap <= this.settings.sequentialMaxGap
        ? previous.run + 1
        : 1;
    this.probes.set(key, { prefixKey: p.prefixKey, serial: p.serial, run });
    if (run < this.settings.sequentialRun) return [];
    return this.raise(
      {
        rule: 'sequential_probing',
        time: p.time,
        client: p.client,
        operator: p.operator,
        detail: { sequentialLookups: run, threshold: this.settings.sequentialRun },
      },
      key,
    );
  }
}
