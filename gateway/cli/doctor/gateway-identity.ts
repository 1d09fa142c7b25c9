/**
 * Whether the instance's own gateway answers at an address: a TLS handshake (no request, so
 * nothing is audited) whose peer must present the configured server certificate. Shared by
 * `gerbang health` (liveness) and `gerbang doctor` (is it running, and is it ours).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HostPort } from '../../config/endpoints.ts';
import { tlsHandshake } from '../tls-probe.ts';

export type GatewayIdentity =
  | { readonly kind: 'ours' }
  /** Nothing accepts connections there: the gateway is not running. */
  | { readonly kind: 'absent'; readonly reason: string }
  /** Something answers, but not the gateway of this configuration (`reason` names no address). */
  | { readonly kind: 'other'; readonly reason: string };

const NOTHING_LISTENS = new Set(['ECONNREFUSED', 'EADDRNOTAVAIL']);

export async function probeGatewayIdentity(
  address: HostPort,
  certFile: string,
  timeoutMs: number,
): Promise<GatewayIdentity> {
  const expected = new X509Certificate(readFileSync(certFile)).fingerprint256;
  // The identity is checked below against the configured certificate itself, not a CA.
  const outcome = await tlsHandshake(
    { host: address.host, port: address.port, rejectUnauthorized: false },
    timeoutMs,
  );
  if (!outcome.ok)
    return NOTHING_LISTENS.has(outcome.reason)
      ? { kind: 'absent', reason: outcome.reason }
      : { kind: 'other', reason: outcome.reason };
  if (outcome.peer.fingerprint256 !== expected)
    return { kind: 'other', reason: 'it presents another certificate than server.certFile' };
  return { kind: 'ours' };
}
