/**
 * An undici Pool that says when each request was written to its socket, for the rate pacer,
 * which counts a call's start from then (rate-pacer.ts). undici writes a request on a reused
 * keep-alive connection only in the event loop's check phase (it first reads whatever the idle
 * socket may hold: GHSA-35p6-xmwp-9g52), or from its own queue when no connection is free; on a
 * busy loop that is tens of ms after `request()`, more for some calls than others.
 *
 * undici tells a dispatch handler `onRequestSent` right after the write; its `request()` API
 * does not pass that on. So a request given `onSent` has its handler wrapped in one that hears it
 * and forwards every other callback unchanged. Only a handler of undici's original callback
 * interface gets `onRequestSent`; a handler of its newer interface is passed on unwrapped, and
 * its call then counts from its end, which errs on the side of the quota.
 */
/* eslint-disable @typescript-eslint/no-deprecated -- undici 7 calls onRequestSent only on a handler
   of its callback interface, which its own request() still uses (lib/api/api-request.js); the
   newer interface has no such hook. sent-pool.test.ts fails if a release stops calling it. */
import { Pool, type Dispatcher } from 'undici';

export interface SentNotice {
  /** Called each time the request has been written (a retry writes it again). */
  readonly onSent?: (() => void) | undefined;
}

/** undici's original handler interface, the one `Request` calls `onRequestSent` on. */
type CallbackHandler = Dispatcher.DispatchHandler & { onRequestSent?(): void };

class SentListener implements CallbackHandler {
  private readonly handler: CallbackHandler;
  private readonly onSent: () => void;

  constructor(handler: CallbackHandler, onSent: () => void) {
    this.handler = handler;
    this.onSent = onSent;
  }

  onRequestSent(): void {
    this.onSent();
    this.handler.onRequestSent?.();
  }

  onConnect(abort: (err?: Error) => void, context?: unknown): void {
    (this.handler.onConnect as (abort: (err?: Error) => void, context?: unknown) => void)(
      abort,
      context,
    );
  }

  onError(err: Error): void {
    this.handler.onError?.(err);
  }

  onUpgrade(statusCode: number, headers: Buffer[] | string[] | null, socket: never): void {
    this.handler.onUpgrade?.(statusCode, headers, socket);
  }

  onResponseStarted(): void {
    this.handler.onResponseStarted?.();
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, text: string): boolean {
    return this.handler.onHeaders?.(statusCode, headers, resume, text) ?? true;
  }

  onData(chunk: Buffer): boolean {
    return this.handler.onData?.(chunk) ?? true;
  }

  onComplete(trailers: string[] | null): void {
    this.handler.onComplete?.(trailers);
  }

  // undici 7.30 calls this with the chunk written, not the sizes its .d.ts names: passed on as is.
  onBodySent(...args: Parameters<NonNullable<CallbackHandler['onBodySent']>>): void {
    this.handler.onBodySent?.(...args);
  }
}

export class SentNoticePool extends Pool {
  override dispatch(
    options: Dispatcher.DispatchOptions & SentNotice,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const { onSent } = options;
    const listens =
      onSent !== undefined &&
      handler.onRequestStart === undefined &&
      typeof handler.onConnect === 'function';
    return super.dispatch(options, listens ? new SentListener(handler, onSent) : handler);
  }
}
