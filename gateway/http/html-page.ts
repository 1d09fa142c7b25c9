/**
 * HTML answers (consoles, printable reports) under a CSP as closed as the API's: no script at
 * all, no external asset, and only the page's own stylesheet, allowed by its SHA-256 — an injected
 * `<style>` or `<script>` would not run even if escaping ever failed.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { GatewayEnv } from './env.ts';

const cspCache = new Map<string, string>();

/** The Content-Security-Policy that allows exactly these inline stylesheets. */
export function htmlPolicy(styles: readonly string[]): string {
  const key = styles.join('\u0000');
  let policy = cspCache.get(key);
  if (policy === undefined) {
    const hashes = styles
      .map((style) => `'sha256-${createHash('sha256').update(style).digest('base64')}'`)
      .join(' ');
    policy = `default-src 'none'; style-src ${hashes}; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
    cspCache.set(key, policy);
  }
  return policy;
}

/** Answers a rendered document (its doctype included) under `htmlPolicy(styles)`. */
export function htmlPage(
  c: Context<GatewayEnv>,
  html: string,
  styles: readonly string[],
  status: 200 | 400 = 200,
): Response {
  return c.html(html, status, {
    'Content-Security-Policy': htmlPolicy(styles),
  });
}
