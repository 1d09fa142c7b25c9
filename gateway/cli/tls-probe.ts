/**
 * One TLS handshake and nothing more: no request is sent, so a probe never reaches the
 * application or its audit trail. For liveness (`gerbang health`) and reachability
 * (`gerbang doctor`'s SIEM check).
 */
import { connect, type ConnectionOptions, type PeerCertificate } from 'node:tls';

export type HandshakeOutcome =
  | { readonly ok: true; readonly peer: PeerCertificate }
  | { readonly ok: false; readonly reason: string };

export function tlsHandshake(
  options: ConnectionOptions,
  timeoutMs: number,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ ...options, timeout: timeoutMs });
    const done = (outcome: HandshakeOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once('secureConnect', () => {
      done({ ok: true, peer: socket.getPeerCertificate() });
    });
    socket.once('timeout', () => {
      done({ ok: false, reason: `no TLS answer within ${timeoutMs} ms` });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done({ ok: false, reason: error.code ?? error.message });
    });
  });
}
