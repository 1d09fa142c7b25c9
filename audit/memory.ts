/**
 * An in-memory audit trail: the fake beside the durable store, for tests that inspect what the
 * pipeline recorded, and able to simulate a failing disk.
 */
import type { AuditTrail } from './port.ts';
import type { AuditEvent } from './types.ts';

export class InMemoryAuditTrail implements AuditTrail {
  readonly events: AuditEvent[] = [];
  failing = false;

  append(event: AuditEvent): Promise<void> {
    if (this.failing) return Promise.reject(new Error('audit store unavailable'));
    this.events.push(Object.freeze({ ...event }));
    return Promise.resolve();
  }

  healthy(): boolean {
    return !this.failing;
  }

  /** Tests set this to simulate a trail whose newest record is in the future. */
  newestTime: number | undefined;

  newestRecordTime(): number | undefined {
    return this.newestTime;
  }
}
