/**
 * A request header as `c.req.header(name)` answers it, without the WHATWG Headers object that
 * @hono/node-server builds from the Node request's raw headers the first time anyone reads
 * `c.req.raw.headers` (a Headers per request, for the handful of headers the hot path reads).
 * Under the server the value comes from `incoming.rawHeaders`, every occurrence joined with
 * ", " as Headers.get joins them (not `incoming.headers`, which keeps only the first of a
 * duplicated Content-Type, Content-Length, Host…); under app.request() (the tests, no `c.env`)
 * from `c.req.header`.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { GatewayEnv } from './env.ts';

/** The server's Node request, or undefined under app.request() (the tests), where `c.env` is
 * undefined whatever its type says. */
export function nodeRequest(c: Context<GatewayEnv>): IncomingMessage | undefined {
  return (c.env as Partial<GatewayEnv['Bindings']> | undefined)?.incoming;
}

/** The value of header `name` (lower case), or undefined when the request has none. */
export function requestHeader(c: Context<GatewayEnv>, name: string): string | undefined {
  const incoming = nodeRequest(c);
  if (incoming === undefined) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const v = raw[i + 1] as string;
    value = value === undefined ? v : `${value}, ${v}`;
  }
  return value;
}
