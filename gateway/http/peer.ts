/**
 * What the gateway needs to know about the connection, behind a port so that in-process tests
 * can supply it (hono's GetConnInfo pattern): the verified client certificate and the address.
 */
import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { GatewayEnv } from './env.ts';

export interface PeerCertificate {
  readonly commonName: string;
  readonly organizationalUnit: string | undefined;
  readonly serialNumber: string;
  readonly fingerprint256: string;
  /**
   * The client an operator certificate acts for: its SAN URI `urn:gerbang:client:<id>`
   * (certs/authority.ts). Undefined when there is none; `null` when there are several.
   */
  readonly boundClient?: string | null;
}

const CLIENT_URI = /^URI:urn:gerbang:client:(.+)$/;

/** The bound client of Node's `subjectaltname` ("DNS:a, URI:urn:gerbang:client:x"). */
export function boundClientOf(subjectAltName: string | undefined): string | null | undefined {
  const clients = (subjectAltName ?? '')
    .split(', ')
    .flatMap((name) => CLIENT_URI.exec(name)?.slice(1) ?? []);
  if (clients.length > 1) return null;
  return clients[0];
}

/**
 * Why a connection has no verified certificate. The handshake accepts any certificate so that
 * the client gets a coded 401 saying which of these it is, instead of a bare closed socket.
 */
export type CertificateProblem = 'none' | 'untrusted' | 'expired' | 'not_yet_valid' | 'invalid';

export interface ConnectionInfo {
  /** The client certificate, only if the TLS layer verified it against the client CA. */
  peerCertificate(c: Context<GatewayEnv>): PeerCertificate | undefined;
  /** What is wrong with the certificate when `peerCertificate` gives none. */
  certificateProblem(c: Context<GatewayEnv>): CertificateProblem;
  remoteAddress(c: Context<GatewayEnv>): string | undefined;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readPeerCertificate(socket: TLSSocket): PeerCertificate | undefined {
  const certificate = socket.getPeerCertificate(false);
  const commonName = firstValue(certificate.subject.CN);
  if (commonName === undefined || !certificate.serialNumber) return undefined;
  const boundClient = boundClientOf(certificate.subjectaltname);
  return {
    commonName,
    organizationalUnit: firstValue(certificate.subject.OU),
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
    ...(boundClient === undefined ? {} : { boundClient }),
  };
}

/** OpenSSL's verification codes (`socket.authorizationError`) by what they mean to the client. */
function problemOf(socket: TLSSocket): CertificateProblem {
  if (Object.keys(socket.getPeerCertificate(false)).length === 0) return 'none';
  // Node sets this to the verification error's code (typed as an Error, it is a string).
  const code = String(socket.authorizationError);
  if (code === 'CERT_HAS_EXPIRED') return 'expired';
  if (code === 'CERT_NOT_YET_VALID') return 'not_yet_valid';
  if (
    /^(UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_SIGNATURE_FAILURE)$/.test(
      code,
    )
  )
    return 'untrusted';
  return 'invalid';
}

/** A connection's certificate cannot change, so it is read once per socket, not per request. */
const certificates = new WeakMap<TLSSocket, PeerCertificate | undefined>();

/** The request's TLS socket under @hono/node-server, if it came over TLS. */
function tlsSocketOf(c: Context<GatewayEnv>): TLSSocket | undefined {
  const socket = c.env.incoming?.socket as TLSSocket | undefined;
  return typeof socket?.getPeerCertificate === 'function' ? socket : undefined;
}

/** Reads the certificate from Node's TLS socket. */
export const nodeTlsConnection: ConnectionInfo = {
  peerCertificate(c) {
    const socket = tlsSocketOf(c);
    if (socket?.authorized !== true) return undefined;
    if (!certificates.has(socket)) certificates.set(socket, readPeerCertificate(socket));
    return certificates.get(socket);
  },
  certificateProblem(c) {
    const socket = tlsSocketOf(c);
    return socket === undefined ? 'none' : problemOf(socket);
  },
  remoteAddress(c) {
    return c.env.incoming?.socket.remoteAddress;
  },
};
