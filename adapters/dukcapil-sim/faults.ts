/**
 * The simulator's faults: the ways a real upstream misbehaves (a proxy's HTML page, a 503, a cut
 * JSON body, a connection reset …), each answered on every data call while it is set, so that a
 * test can name the fault it expects a code for.
 */
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';

/**
 * One way a real upstream misbehaves, answered on every data call until cleared (`none`), so that
 * a test can name the fault it expects a code for; `failureRate` picks among the first four.
 */
export const SIM_FAULTS = [
  'none',
  'html_error', // a proxy's HTML error page with 502
  'http_503', // plain-text 503
  'truncated', // 200 with JSON cut off mid-record
  'unexpected_shape', // 200 with JSON that is not the envelope
  'invalid_json', // 200 declared JSON that is not
  'connection_reset', // the connection dies before any answer, no work done
] as const;
export type SimFault = (typeof SIM_FAULTS)[number];

/** One of the ways a real upstream misbehaves, chosen at random. */
export function injectedFailure(c: Context<{ Bindings: HttpBindings }>): Response {
  const faults = SIM_FAULTS.slice(1, 5);
  return faultAnswer(c, faults[Math.floor(Math.random() * faults.length)] ?? 'html_error');
}

export function faultAnswer(c: Context<{ Bindings: HttpBindings }>, fault: SimFault): Response {
  switch (fault) {
    case 'html_error':
      return c.html('<html><body><h1>502 Bad Gateway</h1></body></html>', 502);
    case 'http_503':
      return c.text('Service Unavailable', 503);
    case 'truncated':
      return c.body('{"content":[{"NIK":', 200, { 'content-type': 'application/json' });
    case 'unexpected_shape':
      return c.json({ status: 'error', message: 'unexpected shape' });
    case 'invalid_json':
      return c.body('Kuota <b>habis</b>', 200, { 'content-type': 'application/json' });
    case 'connection_reset':
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    case 'none':
      throw new RangeError('no fault to answer');
  }
}
