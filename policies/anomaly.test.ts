import { describe, expect, it } from 'vitest';
import {
  AnomalyDetector,
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
