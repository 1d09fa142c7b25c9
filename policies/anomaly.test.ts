import { describe, expect, it } from 'vitest';
import {
  AnomalyDetector,
  HourlyCounts,
  withinServiceHours,
  type AnomalySettings,
  type Observation,
} from './anomaly.ts';

const settings: AnomalySettings = {
  operatorLookupsPerHour: 5,
  serviceHours: { timeZone: 'Asia/Makassar', days: [1, 2, 3, 4, 5], from: '07:00', to: '17:00' },
  notFound: { window: 20, minLookups: 10, ratio: 0.3 },
  sequentialRun: 4,
  sequentialMaxGap: 3,
  refusedElementsPerHour: 3,
  cooldownMs: 3_600_000,
};
// Wednesday 14 January 2026, 10:00 WITA.
const T = Date.parse('2026-01-14T02:00:00Z');
const lookup = (overrides: Partial<Observation> = {}): Observation => ({
  time: T,
  type: 'lookup',
  outcome: 'success',
  client: 'app-pendaftaran',
  operator: 'petugas.01',
  ...overrides,
});
const rules = (alerts: { rule: string }[]): string[] => alerts.map((a) => a.rule);

describe('operator_rate', () => {
  it('alerts once when an operator exceeds the hourly threshold', () => {
    const detector = new AnomalyDetector(settings);
    const fired = Array.from({ length: 12 }, (_, i) =>
      rules(detector.observe(lookup({ time: T + i * 1000 }))),
    ).flat();
    expect(fired).toEqual(['operator_rate']);
  });
  it('does not alert at the threshold, nor for lookups spread over hours', () => {
    const detector = new AnomalyDetector(settings);
    const fired = Array.from({ length: 12 }, (_, i) =>
      rules(detector.observe(lookup({ time: T + i * 800_000 }))),
    ).flat();
    expect(fired).toEqual([]);
  });
});

describe('outside_service_hours', () => {
  it('alerts on a lookup at 22:00 WITA and on a Sunday', () => {
    expect(
      rules(
        new AnomalyDetector(settings).observe(lookup({ time: Date.parse('2026-01-14T14:00:00Z') })),
      ),
    ).toEqual(['outside_service_hours']);
    expect(
      rules(
        new AnomalyDetector(settings).observe(lookup({ time: Date.parse('2026-01-18T02:00:00Z') })),
      ),
    ).toEqual(['outside_service_hours']);
  });
  it('does not alert inside the hours, at the first minute', () => {
    expect(
      withinServiceHours(
        { timeZone: 'Asia/Makassar', days: [1, 2, 3, 4, 5], from: '07:00', to: '17:00' },
        Date.parse('2026-01-13T23:00:00Z'),
      ),
    ).toBe(true); // 07:00 WITA
    expect(rules(new AnomalyDetector(settings).observe(lookup()))).toEqual([]);
  });
});

describe('not_found_ratio', () => {
  it('alerts when a client gets too many not-founds (NIK enumeration)', () => {
    const detector = new AnomalyDetector({ ...settings, operatorLookupsPerHour: 1000 });
    const fired = Array.from({ length: 10 }, (_, i) =>
      rules(detector.observe(lookup({ time: T + i, outcome: i % 2 ? 'not_found' : 'success' }))),
    ).flat();
    expect(fired).toEqual(['not_found_ratio']);
  });
  it('does not alert on occasional typos', () => {
    const detector = new AnomalyDetector({ ...settings, operatorLookupsPerHour: 1000 });
    const fired = Array.from({ length: 20 }, (_, i) =>
      rules(
        detector.observe(lookup({ time: T + i, outcome: i % 5 === 0 ? 'not_found' : 'success' })),
      ),
    ).flat();
    expect(fired).toEqual([]);
  });
});

describe('sequential_probing', () => {
  const probe = (serial: number, prefixKey = 'p1') => ({
    time: T,
    operator: 'petugas.01',
    client: 'app-pendaftaran',
    prefixKey,
    serial,
  });
  it('alerts on a run of nearby serials with the same region and birth date', () => {
    const detector = new AnomalyDetector(settings);
    expect([1, 2, 4, 5, 6].flatMap((s) => rules(detector.observeProbe(probe(s))))).toEqual([
      'sequential_probing',
    ]);
  });
  it('does not alert on unrelated residents or repeated lookups of one resident', () => {
    const detector = new AnomalyDetector(settings);
    expect(
      [1, 2, 3, 4, 5].flatMap((s, i) => rules(detector.observeProbe(probe(s, `p${i}`)))),
    ).toEqual([]);
    expect([7, 7, 7, 7, 7].flatMap((s) => rules(detector.observeProbe(probe(s))))).toEqual([]);
    expect([10, 50, 90, 130, 170].flatMap((s) => rules(detector.observeProbe(probe(s))))).toEqual(
      [],
    );
  });
});

describe('refused_elements', () => {
  it('alerts when a client keeps asking for elements it was refused', () => {
    const detector = new AnomalyDetector(settings);
    const fired = [0, 1, 2].flatMap((i) =>
      rules(
        detector.observe(
          lookup({ time: T + i, outcome: 'denied', errorCode: 'field_not_allowed' }),
        ),
      ),
    );
    expect(fired).toEqual(['refused_elements']);
  });
  it('does not alert on other refusals, or below the threshold', () => {
    const detector = new AnomalyDetector(settings);
    const fired = [0, 1].flatMap((i) =>
      rules(
        detector.observe(
          lookup({ time: T + i, outcome: 'denied', errorCode: 'field_not_allowed' }),
        ),
      ),
    );
    fired.push(
      ...[0, 1, 2, 3].flatMap((i) =>
        rules(
          detector.observe(
            lookup({ time: T + i, outcome: 'denied', errorCode: 'purpose_not_allowed' }),
          ),
        ),
      ),
    );
    expect(fired).toEqual([]);
  });
});

describe('hourly counts', () => {
  it('counts the current minute and the 59 before it, and forgets what left the hour', () => {
    const counts = new HourlyCounts(T);
    expect(counts.add(T)).toBe(1);
    expect(counts.add(T + 59 * 60_000)).toBe(2);
    // An hour after the first event its minute has left the window.
    expect(counts.add(T + 60 * 60_000)).toBe(2);
    expect(counts.add(T + 3 * 3_600_000)).toBe(1);
    // A late event from within the hour still counts; one older than the hour does not.
    expect(counts.add(T + 3 * 3_600_000 - 30 * 60_000)).toBe(2);
    expect(counts.add(T + 2 * 3_600_000 - 60_000)).toBe(2);
  });
});

describe('operator ids chosen by the client (issue 19, finding 10)', () => {
  const churn = { ...settings, maxOperatorsPerClient: 100, newOperatorsPerHour: 50 };
  const many = (detector: AnomalyDetector, n: number, client = 'app-kasir', from = 0): string[] =>
    Array.from({ length: n }, (_, i) =>
      rules(detector.observe(lookup({ client, operator: `op.${from + i}`, time: T + i }))),
    ).flat();

  it('holds at most maxOperatorsPerClient ids per client, forgetting the least recently seen', () => {
    const detector = new AnomalyDetector({ ...churn, newOperatorsPerHour: 1_000_000 });
    many(detector, 12_000);
    expect(detector.trackedOperators).toBe(100);
    expect(detector.evictedOperators).toBe(11_900);
    // Another client's operators are not pushed out by this one's churn.
    detector.observe(lookup({ client: 'app-pendaftaran', operator: 'petugas.01' }));
    many(detector, 500, 'app-kasir', 20_000);
    expect(detector.trackedOperators).toBe(101);
  });

  it('raises operator_churn once per cooldown when a client brings too many new ids in an hour', () => {
    const detector = new AnomalyDetector(churn);
    expect(many(detector, 50)).toEqual([]);
    const fired = many(detector, 1_000, 'app-kasir', 50);
    expect(fired).toEqual(['operator_churn']);
    const alert = new AnomalyDetector(churn);
    many(alert, 50);
    const [raised] = alert.observe(lookup({ client: 'app-kasir', operator: 'op.new', time: T }));
    expect(raised).toMatchObject({
      rule: 'operator_churn',
      client: 'app-kasir',
      detail: {
        newOperatorsLastHour: 51,
        threshold: 50,
        trackedOperators: 51,
        evictedOperators: 0,
      },
    });
  });

  it('does not count an operator seen again as new, nor ids spread over hours', () => {
    const detector = new AnomalyDetector(churn);
    const fired = Array.from({ length: 500 }, (_, i) =>
      rules(detector.observe(lookup({ operator: `op.${i % 40}`, time: T + i * 1000 }))),
    ).flat();
    expect(fired).not.toContain('operator_churn');
    const slow = new AnomalyDetector(churn);
    const spread = Array.from({ length: 200 }, (_, i) =>
      rules(slow.observe(lookup({ operator: `op.${i}`, time: T + i * 120_000 }))),
    ).flat();
    expect(spread).not.toContain('operator_churn');
  });

  it('keeps the per-operator rules for operators it holds', () => {
    const detector = new AnomalyDetector(churn);
    many(detector, 99);
    const fired = Array.from({ length: 6 }, (_, i) =>
      rules(
        detector.observe(lookup({ client: 'app-kasir', operator: 'op.0', time: T + 1000 + i })),
      ),
    ).flat();
    expect(fired).toContain('operator_rate');
  });

  it('keeps its memory small per operator id: 12,000 ids of one client cost a few megabytes at most', () => {
    // Typed arrays keep their counters outside the JS heap: both are measured.
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    const detector = new AnomalyDetector({ ...settings, newOperatorsPerHour: 1_000_000 });
    const probes = (i: number) => ({
      time: T + i,
      client: 'app-kasir',
      operator: `op.${i}`,
      prefixKey: 'p',
      serial: i,
    });
    for (let i = 0; i < 12_000; i++) {
      detector.observe(lookup({ client: 'app-kasir', operator: `op.${i}`, time: T + i }));
      detector.observeProbe(probes(i));
    }
    expect(detector.trackedOperators).toBe(1000);
    // One slot per second took 14 KB per id: 14 MB for the 1,000 held, 170 MB without the cap.
    expect(used() - before).toBeLessThan(8 * 1024 * 1024);
  });
});
