/**
 * An upstream without a collector for the open loop: nginx answering every call with one answer
 * the simulator gave, byte for byte. The simulator is a Node process; its collections stall it for
 * tens to hundreds of ms on this kind of machine (docs/performance.md, "Where the open loop's
 * tails come from"), and a stall of the upstream lifts every target's tail alike, which leaves
 * their difference as noise. The replayed answer is the simulator's own (the wire format is
 * still the simulator's, and the gateway's adapter checks it as it would any answer); only the
 * open loop uses it, and only for the one NIK it asks about.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxBinary, spawnNginx } from './nginx.ts';
import type { Pinning } from './pin.ts';

export interface RecordedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** One answer of the simulator, to replay. */
export async function recordAnswer(url: string, body: string): Promise<RecordedAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  // Replaying a refusal would measure refusals: the answer must be the simulator's success.
  if (!response.ok) throw new Error(`the simulator refused the call to replay: ${response.status}`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? 'application/json',
    body: await response.text(),
  };
}

/**
 * An nginx `return` text for the answer. nginx reads `$` as a variable and has no escape for it,
 * so an answer holding one is refused rather than replayed altered.
 */
export function nginxReturnText(body: string): string {
  if (body.includes('$'))
    throw new Error('the recorded answer holds a $, which nginx cannot return');
  return `"${body.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function replayConfig(base: string, port: number, answer: RecordedAnswer): string {
  return `worker_processes 1;
daemon off;
pid ${base}/nginx.pid;
error_log ${base}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${base}/body;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location /__sim/ { default_type application/json; return 200 "{}"; }
    location / {
      default_type ${answer.contentType.split(';')[0]};
      return ${answer.status} ${nginxReturnText(answer.body)};
    }
  }
}
`;
}

/** Starts the replaying nginx on `cpu`, or returns undefined where nginx is not installed. */
export function startReplay(
  pinning: Pinning,
  cpu: number,
  dir: string,
  port: number,
  answer: RecordedAnswer,
): ChildProcess | undefined {
  const binary = nginxBinary();
  if (binary === undefined) return undefined;
  const base = join(dir, 'replay');
  mkdirSync(base, { recursive: true });
  // The answer is a (synthetic) resident's record: the file is for nginx's eyes only, and is
  // removed once nginx answers (removeReplayConfig), so nothing of it stays at rest.
  writeFileSync(join(base, 'nginx.conf'), replayConfig(base, port, answer), { mode: 0o600 });
  return spawnNginx(pinning, cpu, binary, base);
}

/** Removes the replay's configuration (it holds the answer) once nginx has read it. */
export function removeReplayConfig(dir: string): void {
  rmSync(join(dir, 'replay', 'nginx.conf'), { force: true });
}
