/**
 * nginx as a reverse proxy with one worker, on the same TLS terms as the gateway (mutual TLS with
 * the instance's certificates), keep-alive to the simulator. Optional: the bench installs nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCpu, type Pinning } from './pin.ts';

export function nginxBinary(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const binary = which.stdout.trim();
  return which.status === 0 && binary !== '' ? binary : undefined;
}

/** Starts nginx (master and worker both on `cpu`: the worker inherits the master's affinity). */
export function startNginx(
  pinning: Pinning,
  cpu: number,
  dir: string,
  port: number,
  simPort: number,
  consumer: string,
): ChildProcess | undefined {
  const binary = nginxBinary();
  if (binary === undefined) return undefined;
  const base = join(dir, 'nginx');
  mkdirSync(base, { recursive: true });
  const pki = join(dir, 'pki');
  writeFileSync(
    join(base, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${base}/nginx.pid;
error_log ${base}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${base}/body;
  proxy_temp_path ${base}/proxy;
  upstream simulator { server 127.0.0.1:${simPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${pki}/server.crt;
    ssl_certificate_key ${pki}/server.key;
    ssl_client_certificate ${pki}/ca.crt;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /v1/nik/lookup {
      proxy_pass http://simulator/dukcapil/get_json/${consumer}/CALL_NIK;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location = /healthz { return 200 "ok"; }
  }
}
`,
  );
  return spawnNginx(pinning, cpu, binary, base);
}

/** Runs `binary` on `cpu` with the nginx.conf written in `base` (its prefix and error log). */
export function spawnNginx(
  pinning: Pinning,
  cpu: number,
  binary: string,
  base: string,
): ChildProcess {
  const [command, args] = onCpu(pinning, cpu, binary, [
    '-p',
    base,
    '-c',
    join(base, 'nginx.conf'),
    '-e',
    join(base, 'error.log'),
  ]);
  return spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}
