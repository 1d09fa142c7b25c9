/**
 * For `npm run bench` only: the floor a gateway is measured against — Hono on the same TLS terms
 * as `gerbang serve` (mutual TLS, the instance's certificates), forwarding each POST to the
 * simulator's CALL_NIK with undici and returning its answer as it came. No identity mapping, no
 * policy, no validation, no audit: what Gerbang adds is the difference.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { Pool } from 'undici';
import { loadConfig, readSecretText } from '../gateway/config/index.ts';
import { locateInstance } from '../gateway/config/instance.ts';
import { listenTls } from '../gateway/server/listen-tls.ts';

const location = locateInstance();
const config = loadConfig(location.configPath);
const port = Number(process.env['BENCH_PORT']);
const upstream = new URL(config.upstream.baseUrl);
const pool = new Pool(upstream.origin, { connections: config.upstream.maxConnections });
const path = `/dukcapil/get_json/${config.upstream.consumer}/CALL_NIK`;
const credentials = {
  user_id: config.upstream.userId,
  password: readSecretText(config.upstream.passwordFile),
  ip_user: config.upstream.ipUser,
};

const app = new Hono();
app.get('/healthz', (c) => c.text('ok'));
app.post('/v1/nik/lookup', async (c) => {
  const { nik } = await c.req.json<{ nik: string }>();
  const response = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ NIK: nik, ...credentials }),
  });
  return c.body(await response.body.text(), 200, { 'content-type': 'application/json' });
});
await listenTls(
  app.fetch,
  { ...config.server, port },
  readFileSync(config.server.clientCaFile, 'utf8'),
);
