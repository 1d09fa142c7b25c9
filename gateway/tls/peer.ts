/**
 * What the gateway needs to know about the connection, behind a port so that in-process tests
 * can supply it (hono's GetConnInfo pattern): the verified client certificate and the address.
 */
import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { GatewayEnv } from '../http/env.ts';

export interface PeerCertificate {
  readonly commonName: string;
  readonly organizationalUnit: string | undefined;
  readonly serialNumber: string;
  readonly fingerprint256: string;
}

export interface ConnectionInfo {
  /** The client certificate, only if the TLS layer verified it against the client CA. */
  peerCertificate(c: Context<GatewayEnv>): PeerCertificate | undefined;
  remoteAddress(c: Context<GatewayEnv>): string | undefined;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readPeerCertificate(socket: TLSSocket): PeerCertificate | undefined {
  const certificate = socket.getPeerCertificate(false);
  const commonName = firstValue(certificate.subject.CN);
  if (commonName === undefined || !certificate.serialNumber) return undefined;
  return {
    commonName,
    organizationalUnit: firstValue(certificate.subject.OU),
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
  };
}

/** A connection's certificate cannot change, so it is read once per socket, not per request. */
const certificates = new WeakMap<TLSSocket, PeerCertificate | undefined>();

/** Reads the certificate from Node's TLS socket under @hono/node-server. */
export const nodeTlsConnection: ConnectionInfo = {
  peerCertificate(c) {
    const socket = c.env.incoming?.socket as TLSSocket | undefined;
    if (socket === undefined || typeof socket.getPeerCertificate !== 'function') return undefined;
    if (!socket.authorized) return undefined;
    if (!certificates.has(socket)) certificates.set(socket, readPeerCertificate(socket));
    return certificates.get(socket);
  },
  remoteAddress(c) {
    return c.env.incoming?.socket.remoteAddress;
  },
};
