/**
 * The listener: `fetch` served over node:https with mandatory client certificates, on the TLS
 * terms of the configuration. `gerbang serve` and the bench's bare proxy (bench/bare-proxy.ts)
 * listen through it, so the bench measures the gateway against the same TLS.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import { readSecretBytes, type GerbangConfig } from '../config/index.ts';
import { unroutableRequest } from '../http/client-errors.ts';

/** TLS 1.3 preferred; TLS 1.2 only with AEAD suites and forward secrecy. */
const TLS12_AEAD_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
].join(':');

/**
 * Serves `fetch` over node:https with mandatory client certificates from `clientCaPem`:
 * TLS 1.3 preferred, 1.2 with AEAD suites only; timeouts from the configuration.
 */
export async function listenTls(
  fetch: (request: Request) => Response | Promise<Response>,
  settings: GerbangConfig['server'],
  clientCaPem: string,
): Promise<Server> {
  const listener = getRequestListener(fetch, {
    hostname: settings.host,
    // Only requests Hono cannot even be handed (a request target such as `*`, a bad Host)
    // arrive here: they too get the one coded error shape.
    errorHandler: unroutableRequest,
  });
  const server = createHttpsServer(
    {
      key: readSecretBytes(settings.keyFile),
      cert: readFileSync(settings.certFile),
      ca: clientCaPem,
      // Every certificate is asked for and verified; an unverified one completes the
      // handshake only to be answered 401 with the reason (the principal middleware),
      // because a closed socket tells the client nothing.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      ciphers: TLS12_AEAD_CIPHERS,
      honorCipherOrder: true,
      handshakeTimeout: settings.handshakeTimeoutMs,
      maxHeaderSize: settings.maxHeaderBytes,
      // How often request and header timeouts are checked (Node's default is every 30 s).
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs / 2),
    },
    (incoming, outgoing) => {
      // The listener settles its own errors (Hono's handler, then `unroutableRequest`).
      void listener(incoming, outgoing);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.requestTimeout = settings.requestTimeoutMs;
  server.headersTimeout = Math.min(settings.requestTimeoutMs, settings.headersTimeoutMs);
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.maxConnections = settings.maxConnections;
  return server;
}
