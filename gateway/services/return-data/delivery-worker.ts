/**
 * Delivers the outbox: due items, a few at a time, each with the gateway's own key of the
 * delivery (sent as Idempotency-Key, the same on every retry). Deduplication is the gateway's,
 * not the receiver's: an acknowledged delivery is marked delivered in the outbox at once (payload
 * erased) and never sent again; its audit record follows, and an acknowledgement the trail could
 * not yet record is recorded at the next pass rather than re-sent. What the gateway cannot know
 * — a request that left and whose answer was lost — is retried and counted as an uncertain
 * attempt in the delivery's audit record (docs/return-data.md, "Exactly once, at least once").
 * Failures back off exponentially with jitter up to a cap; after `maxAttempts` an item becomes a
 * dead letter and an alert is raised.
 */
import type { Logger } from 'pino';
import { UpstreamFailure, type ReturnDataClient } from '../../../adapters/dukcapil/port.ts';
import type { AuditTrail } from '../../../audit/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { Delivery, DueDelivery, Outbox } from '../../../adapters/sqlite/port.ts';

export function backoffMs(
  attempts: number,
  settings: { initialBackoffMs: number; maxBackoffMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(
    settings.maxBackoffMs,
    settings.initialBackoffMs * 2 ** Math.min(attempts, 30),
  );
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown';

export class DeliveryWorker {
  private readonly outbox: Outbox;
  private readonly client: ReturnDataClient;
  private readonly audit: AuditTrail;
  private readonly settings: GerbangConfig['returnData'];
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private failedPasses = 0;

  constructor(options: {
    outbox: Outbox;
    client: ReturnDataClient;
    audit: AuditTrail;
    settings: GerbangConfig['returnData'];
    now: () => number;
    logger: Logger;
    random?: () => number;
  }) {
    this.outbox = options.outbox;
    this.client = options.client;
    this.audit = options.audit;
    this.settings = options.settings;
    this.now = options.now;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
  }

  start(pollMs = 250): void {
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => {
          this.failedPasses = 0;
        })
        .catch((error: unknown) => {
          // The outbox or the trail could not be written (a full disk): back off, so that a
          // delivery whose acknowledgement cannot be stored is not resent four times a second,
          // and nothing is delivered that the trail cannot record.
          this.failedPasses++;
          this.logger.error(
            { event: 'return_data_worker_failed', reason: reasonOf(error) },
            'return-data delivery paused: the outbox or the audit trail cannot be used',
          );
        })
        .finally(() => {
          this.running = undefined;
          const delay =
            this.failedPasses === 0
              ? pollMs
              : Math.min(60_000, 1000 * 2 ** Math.min(this.failedPasses - 1, 6));
          if (!this.stopped) this.timer = setTimeout(loop, delay);
        });
    };
    loop();
  }

  /** Work now rather than at the next poll (after a submission). */
  notify(): void {
    if (this.stopped || this.running !== undefined || this.failedPasses > 0) return;
    clearTimeout(this.timer);
    this.start();
  }

  /** One pass over what is due. Returns how many deliveries were acknowledged. */
  async tick(): Promise<number> {
    await this.auditAcknowledged();
    let acknowledged = 0;
    for (;;) {
      const due = this.outbox
        .due(this.now(), this.settings.concurrency)
        .filter((d) => !this.inFlight.has(d.id));
      if (due.length === 0) break;
      const results = await Promise.all(due.map((delivery) => this.deliverOne(delivery)));
      acknowledged += results.filter(Boolean).length;
      if (this.stopped) break;
    }
    // Erased payloads must not survive in old WAL frames.
    if (acknowledged > 0) this.outbox.checkpoint();
    return acknowledged;
  }

  /**
   * The audit records of acknowledgements not yet recorded (the trail failed after the receiver
   * answered, or the process stopped in between): written now, the delivery not re-sent.
   */
  private async auditAcknowledged(): Promise<void> {
    for (const delivery of this.outbox.unaudited(64)) {
      await this.recordDelivered(delivery, delivery.attempts);
      this.outbox.markAudited(delivery.id);
    }
  }

  private recordDelivered(delivery: Delivery, attempts: number): Promise<void> {
    return this.audit.append({
      type: 'return_data',
      event: 'delivered',
      outcome: 'success',
      subject: delivery.subject,
      principal: { id: delivery.client, role: 'app', certificateFingerprint: '-' },
      reference: delivery.reference,
      detail: {
        delivery: delivery.id,
        attempts,
        // > 0: an earlier attempt may have reached the receiver too (at least once).
        uncertainAttempts: delivery.uncertainAttempts,
      },
    });
  }

  private async deliverOne(delivery: DueDelivery): Promise<boolean> {
    this.inFlight.add(delivery.id);
    try {
      try {
        await this.client.deliver(
          { nik: delivery.nik, npwpd: delivery.npwpd, jenisPajak: delivery.jenisPajak },
          delivery.upstreamKey,
        );
      } catch (error) {
        await this.attemptFailed(delivery, error);
        return false;
      }
      // Taken by the receiver: recorded as such before anything else can fail, never re-sent.
      this.outbox.markAcknowledged(delivery.id, this.now());
      try {
        await this.recordDelivered(delivery, delivery.attempts + 1);
        this.outbox.markAudited(delivery.id);
      } catch (error) {
        this.logger.error(
          { event: 'return_data_audit_pending', delivery: delivery.id },
          'return data delivered; its audit record is written when the trail is writable again',
        );
        // Fail closed: no further delivery until the trail records this one (the pass backs off).
        throw error;
      }
      return true;
    } finally {
      this.inFlight.delete(delivery.id);
    }
  }

  private async attemptFailed(delivery: DueDelivery, error: unknown): Promise<void> {
    const reason = error instanceof UpstreamFailure ? error.reason : 'unexpected error';
    // A request that left without an answer: the receiver may have taken it.
    const uncertain = error instanceof UpstreamFailure && error.kind === 'timeout';
    const attempts = delivery.attempts + 1;
    if (attempts >= this.settings.maxAttempts) {
      this.outbox.markAttemptFailed(delivery.id, reason, 'dead', uncertain);
      this.logger.error(
        { event: 'return_data_dead_letter', delivery: delivery.id, attempts, reason },
        'return data undeliverable',
      );
      await this.audit
        .append({
          type: 'security',
          event: 'alert',
          outcome: 'alert',
          subject: delivery.subject,
          detail: { rule: 'return_data_dead_letter', delivery: delivery.id, attempts, reason },
        })
        .catch(() => undefined);
    } else {
      this.outbox.markAttemptFailed(
        delivery.id,
        reason,
        this.now() + backoffMs(attempts, this.settings, this.random),
        uncertain,
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
