/**
 * One upstream call's overall deadline, in the form undici accepts as a request's `signal` (an
 * EventEmitter with `aborted` and `reason`), armed with one plain timer and cleared when the call
 * ends. `AbortSignal.timeout` cost more on every lookup: each one builds a transferable
 * AbortSignal and a timer held through a weak reference and a finalization registry, and the
 * timer runs on after the call has ended.
 */
import { EventEmitter } from 'node:events';
import { UpstreamFailure } from './port.ts';

export class CallDeadline extends EventEmitter {
  aborted = false;
  /** What undici rejects the request with once the deadline passed (a timeout failure). */
  reason: UpstreamFailure | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.reason = new UpstreamFailure('timeout', 'upstream call deadline passed');
      this.emit('abort');
    }, ms);
  }

  /** The call ended (answered or failed): the timer goes. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
