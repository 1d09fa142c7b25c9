/**
 * HTML answers (consoles, printable reports) under a CSP as closed as the API's: no script at
 * all, no external asset, and only the page's own stylesheet, allowed by its SHA-256 — an injected
 * `<style>` or `<script>` would not run even if escaping ever failed.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { GatewayEnv } from '../env.ts';

/** The Content-Security-Policy that allows exactly this inline stylesheet; compute it once. */
export function htmlPolicy(style: string): string {
  const hash = createHash('sha256').update(style).digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** Answers a rendered document (its doctype included) under its page's `htmlPolicy`. */
export function htmlPage(
  c: Context<GatewayEnv>,
  html: string,
  policy: string,
  status: ContentfulStatusCode = 200,
): Response {
  return c.html(html, status, { 'Content-Security-Policy': policy });
}
