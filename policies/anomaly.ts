/**
 * Anomaly rules (ISO 27001 8.16) over the stream of audit records, as a pure state machine: the
 * caller feeds observations with their times and receives alerts. Each rule alerts at most once
 * per key (operator, client) per cooldown, so an incident produces one alert, not thousands.
 *
 * Sequential probing is detected without keeping any NIK: the data path passes an HMAC of the
 * NIK's first 12 digits (region and birth date) and the 4-digit serial; a run of lookups with the
 * same prefix and serials a few apart is enumeration.
 *
 * Operator ids are chosen by the client, so what is held about them is bounded (issue 19,
 * finding 10): at most `maxOperatorsPerClient` per client, the least recently seen forgotten
 * first, each an hour of per-minute counts and its probe run. A client that brings more new ids
 * in an hour than `newOperatorsPerHour` — rotating ids to stay under the per-operator rules, or
 * to fill the gateway's memory — is itself an anomaly (`operator_churn`).
 *
 * The hourly counters are hourly-counts.ts, the service-hours test service-hours.ts.
 */
import { HourlyCounts, HourlyWindow } from './hourly-counts.ts';
import { LruMap } from './lru-map.ts';
import { withinServiceHours, type ServiceHours } from './service-hours.ts';

export { HourlyCounts } from './hourly-counts.ts';
export { withinServiceHours, type ServiceHours } from './service-hours.ts';

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
  /**
   * Operator ids held per client, the least recently seen forgotten first (their hourly counts
   * and probe runs with them). Operator ids are the client's to choose: without a cap, 12,000
   * invented ids took the gateway from 128 to 403 MB.
   */
  readonly maxOperatorsPerClient?: number | undefined;
  /** New operator ids (not held at the moment) one client may bring per hour before `operator_churn`. */
  readonly newOperatorsPerHour?: number | undefined;
}

/** Defaults for the bounds, for callers that configure only the rules. */
export const DEFAULT_MAX_OPERATORS_PER_CLIENT = 1000;
export const DEFAULT_NEW_OPERATORS_PER_HOUR = 200;

export type AnomalyRule =
  | 'operator_rate'
  | 'outside_service_hours'
  | 'not_found_ratio'
  | 'sequential_probing'
  | 'refused_elements'
  | 'operator_churn'
  | 'return_data_overdue';

export interface Alert {
  readonly rule: AnomalyRule;
  readonly time: number;
  readonly client?: string | undefined;
  readonly operator?: string | undefined;
  readonly detail: Readonly<Record<string, string | number>>;
}

const DATA_TYPES = new Set(['lookup', 'verify', 'card_read']);

/** What the detector holds about one operator id of one client. */
interface OperatorState {
  readonly lookups: HourlyCounts;
  probe: { prefixKey: string; serial: number; run: number } | undefined;
}

/** The operator ids of one client, bounded, and how fast new ones appear. */
interface ClientOperators {
  readonly operators: LruMap<string, OperatorState>;
  readonly newOperators: HourlyCounts;
  evicted: number;
}

export class AnomalyDetector {
  private readonly settings: AnomalySettings;
  private readonly maxOperatorsPerClient: number;
  private readonly newOperatorsPerHour: number;
  /**
   * When each (rule, key) last alerted, for the cooldown. Bounded too, since its keys include
   * operator ids: an entry pushed out early can only let an alert repeat, never hide one.
   */
  private readonly lastAlert: LruMap<string, number>;
  private readonly clients = new Map<string, ClientOperators>();
  private readonly refusedElements = new HourlyWindow();
  private readonly outcomes = new Map<string, boolean[]>();
  private evictedTotal = 0;

  constructor(settings: AnomalySettings) {
    this.settings = settings;
    this.maxOperatorsPerClient = settings.maxOperatorsPerClient ?? DEFAULT_MAX_OPERATORS_PER_CLIENT;
    this.newOperatorsPerHour = settings.newOperatorsPerHour ?? DEFAULT_NEW_OPERATORS_PER_HOUR;
    this.lastAlert = new LruMap(4 * this.maxOperatorsPerClient + 1024);
  }

  /** Operator ids held now, over all clients: at most `maxOperatorsPerClient` per client. */
  get trackedOperators(): number {
    let sum = 0;
    for (const client of this.clients.values()) sum += client.operators.size;
    return sum;
  }

  /** Operator ids forgotten because their client's cap was reached, since start. */
  get evictedOperators(): number {
    return this.evictedTotal;
  }

  /**
   * The state of `operator` at `client`, created (and counted as new) if it is not held; a client
   * bringing more new ids per hour than allowed gets an `operator_churn` alert.
   */
  private operatorState(
    client: string,
    operator: string,
    time: number,
  ): { state: OperatorState; alerts: Alert[] } {
    let held = this.clients.get(client);
    if (held === undefined) {
      const created: ClientOperators = {
        operators: new LruMap<string, OperatorState>(this.maxOperatorsPerClient, () => {
          created.evicted++;
          this.evictedTotal++;
        }),
        newOperators: new HourlyCounts(time),
        evicted: 0,
      };
      held = created;
      this.clients.set(client, held);
    }
    const existing = held.operators.get(operator);
    if (existing !== undefined) return { state: existing, alerts: [] };
    const state: OperatorState = { lookups: new HourlyCounts(time), probe: undefined };
    held.operators.set(operator, state);
    const fresh = held.newOperators.add(time);
    if (fresh <= this.newOperatorsPerHour) return { state, alerts: [] };
    return {
      state,
      alerts: this.raise(
        {
          rule: 'operator_churn',
          time,
          client: client === '' ? undefined : client,
          detail: {
            newOperatorsLastHour: fresh,
            threshold: this.newOperatorsPerHour,
            trackedOperators: held.operators.size,
            evictedOperators: held.evicted,
          },
        },
        client,
      ),
    };
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
      const { state, alerts: churn } = this.operatorState(o.client ?? '', o.operator, o.time);
      alerts.push(...churn);
      const count = state.lookups.add(o.time);
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
    const { state, alerts } = this.operatorState(p.client, p.operator, p.time);
    const previous = state.probe;
    const gap = previous === undefined ? Infinity : Math.abs(p.serial - previous.serial);
    const run =
      previous !== undefined &&
      previous.prefixKey === p.prefixKey &&
      gap >= 1 &&
      gap <= this.settings.sequentialMaxGap
        ? previous.run + 1
        : 1;
    state.probe = { prefixKey: p.prefixKey, serial: p.serial, run };
    if (run < this.settings.sequentialRun) return alerts;
    return alerts.concat(
      this.raise(
        {
          rule: 'sequential_probing',
          time: p.time,
          client: p.client,
          operator: p.operator,
          detail: { sequentialLookups: run, threshold: this.settings.sequentialRun },
        },
        key,
      ),
    );
  }
}
