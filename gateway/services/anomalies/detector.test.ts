import { describe, expect, it } from 'vitest';
import { createSubjectHasher, type AppendedRecord } from '../../../audit/index.ts';
import { InMemoryAuditTrail } from '../../../audit/memory.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { AnomalyService } from './detector.ts';

const T = Date.parse('2026-01-14T02:00:00Z');
const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
const lookupBy = (operator: string, seq: number): AppendedRecord => ({
  seq,
  time: T + seq,
  event: {
    type: 'lookup',
    outcome: 'success',
    principal: { id: 'app-kasir', role: 'app', certificateFingerprint: 'FP' },
    operator,
  },
});

describe('AnomalyService over client-chosen operator ids', () => {
  it('stores one operator_churn alert in the trail and holds at most the configured ids', () => {
    const trail = new InMemoryAuditTrail();
    const service = new AnomalyService(
      { ...config, anomalies: { ...config.anomalies, maxOperatorsPerClient: 500 } },
      trail,
      createSubjectHasher(Buffer.alloc(32, 1)),
    );
    service.observe(Array.from({ length: 12_000 }, (_, i) => lookupBy(`rotating.${i}`, i + 1)));
    const alerts = trail.events.filter((e) => e.event === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'security',
      outcome: 'alert',
      detail: {
        rule: 'operator_churn',
        client: 'app-kasir',
        newOperatorsLastHour: config.anomalies.newOperatorsPerHour + 1,
        threshold: config.anomalies.newOperatorsPerHour,
      },
    });
    expect(service.trackedKeys()).toEqual({ operators: 500, evictedOperators: 11_500 });
  });

  it('raises nothing for a client with a steady set of operators', () => {
    const trail = new InMemoryAuditTrail();
    const service = new AnomalyService(config, trail, createSubjectHasher(Buffer.alloc(32, 1)));
    service.observe(Array.from({ length: 2_000 }, (_, i) => lookupBy(`kasir.${i % 20}`, i + 1)));
    expect(trail.events).toEqual([]);
    expect(service.trackedKeys().operators).toBe(20);
  });
});
