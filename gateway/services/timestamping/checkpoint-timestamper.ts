/**
 * Time-stamps the newest signed checkpoint by the closed network's RFC 3161 authority, once per
 * interval when a new one is there (X-Road time-stamps its message log the same way). A token
 * proves that checkpoint, and every record under it, existed at the TSA's time: a clock the
 * appliance does not control, so neither a clock set ahead nor a trail rewritten later with the
 * audit key can pass for older than it is.
 *
 * Only the newest checkpoint is stamped: a token over tree size N covers records 1..N, so older
 * checkpoints stamped late would prove nothing more, and the TSA's load stays one request per
 * interval however busy the gateway is. Time-stamping is evidence beside the trail, not a
 * condition of serving: when the TSA fails, data requests go on (each still waits for its own
 * durable record), the failure is alerted once, and its end recorded.
 */
import type { Logger } from 'pino';
import type { AuditEvent, AuditTrail, CheckpointTimestamps } from '../../../audit/index.ts';
import { timestampedBytes } from '../../../audit/index.ts';
import type { TimestampAuthority } from '../../../adapters/tsa/port.ts';

export interface CheckpointTimestamperOptions {
  readonly authority: TimestampAuthority;
  readonly checkpoints: CheckpointTimestamps;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly everyMs: number;
  /** Counts each attempt by outcome (stamped, failed). */
  readonly onOutcome?: (outcome: 'stamped' | 'failed') => void;
}

export class CheckpointTimestamper {
  readonly name = 'checkpoint time-stamping';
  private readonly options: CheckpointTimestamperOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing: string | undefined;
  private lastStamped: { treeSize: number; genTime: string } | undefined;

  constructor(options: CheckpointTimestamperOptions) {
    this.options = options;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** For the officer and the doctor: where, how far, and whether it fails now. */
  status(): {
    readonly target: string;
    readonly lastStamped?: { readonly treeSize: number; readonly genTime: string };
    readonly failing?: string;
  } {
    return {
      target: this.options.authority.target,
      ...(this.lastStamped ? { lastStamped: this.lastStamped } : {}),
      ...(this.failing === undefined ? {} : { failing: this.failing }),
    };
  }

  /** One attempt; never throws (a timer must not end the process). Resolves when done. */
  tick(): Promise<void> {
    this.running ??= this.stampNewest()
      .catch((error: unknown) => {
        this.options.logger.error(
          { event: 'timestamping_failed', reason: error instanceof Error ? error.message : '' },
          'checkpoint time-stamping failed; it tries again',
        );
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async stampNewest(): Promise<void> {
    const { authority, checkpoints, logger } = this.options;
    const newest = checkpoints.newestCheckpoint();
    if (newest === undefined || newest.timestamped) return;
    const { checkpoint } = newest;
    let token;
    try {
      token = await authority.stamp(timestampedBytes(checkpoint));
    } catch (error) {
      this.options.onOutcome?.('failed');
      const reason = error instanceof Error ? error.message : 'unknown';
      if (this.failing === undefined) {
        this.failing = reason;
        logger.error(
          { event: 'timestamp_authority_failing', target: authority.target, reason },
          'the time-stamp authority gives no usable token; checkpoints go unstamped until it does',
        );
        await this.record({
          type: 'security',
          event: 'alert',
          outcome: 'alert',
          detail: { rule: 'timestamp_authority_failing', target: authority.target, reason },
        });
      }
      return;
    }
    checkpoints.storeTimestamp(checkpoint.treeSize, token.token, token.genTime);
    this.options.onOutcome?.('stamped');
    this.lastStamped = { treeSize: checkpoint.treeSize, genTime: token.genTime.toISOString() };
    if (this.failing !== undefined) {
      this.failing = undefined;
      logger.info(
        { event: 'timestamp_authority_recovered', target: authority.target },
        'the time-stamp authority answers again',
      );
      await this.record({
        type: 'system',
        event: 'timestamp_authority_recovered',
        outcome: 'success',
        detail: { target: authority.target, treeSize: checkpoint.treeSize },
      });
    }
  }

  /** Best effort: a failing trail shows in /readyz by itself. */
  private async record(event: AuditEvent): Promise<void> {
    await this.options.audit.append(event).catch(() => {
      this.options.logger.error(
        { event: 'audit_write_failed' },
        'could not record a time-stamping event',
      );
    });
  }
}
