/**
 * The quota phase's wire witness on loopback, for real: a packet socket with the kernel's
 * timestamps (bench/wire-arrivals.py). A burst of requests is counted as a burst, however late
 * the capture reads it; other paths are not counted. It needs CAP_NET_RAW, which
 * CI has (it runs as root); where a packet socket cannot be opened, the witness must say why it
 * did not count.
 */
import { spawnSync } from 'node:child_process';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pinning } from './pin.ts';
import { startWireWitness, type WireResult } from './wire-witness.ts';

const unpinned: Pinning = { available: false, targetCpu: 0, loadCpu: 1 };
/** Whether this machine lets python3 open a packet socket (root, or CAP_NET_RAW): asked, not assumed. */
const canCapture =
  spawnSync('python3', ['-c', 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)'])
    .status === 0;

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const post = (agent: Agent, path: string) =>
  new Promise<void>((resolve, reject) => {
    const sent = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', agent },
      (response) => {
        response.resume();
        response.on('end', resolve);
      },
    );
    sent.on('error', reject);
    sent.end('{"nik":"x"}');
  });

describe('the wire witness', () => {
  it.runIf(canCapture)(
    "counts arrivals by the kernel's clock: a burst over the quota, the path's only",
    async () => {
      const witness = await startWireWitness(unpinned, port, 5, 'call_nik');
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      try {
        // Ten at once (five over a quota of five), three on another path, then after a second
        // has passed four more: the window has emptied, none of them is over.
        await Promise.all(Array.from({ length: 10 }, () => post(agent, '/x/CALL_NIK')));
        await Promise.all(Array.from({ length: 3 }, () => post(agent, '/x/CALL_VERIFY')));
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        for (let i = 0; i < 4; i++) await post(agent, '/x/call_nik');
      } finally {
        agent.destroy();
      }
      const count = await witness.stop();
      expect(count).toEqual({
        available: true,
        arrivals: 14,
        otherRequests: 3,
        busiestSecond: 10,
        overQuota: 5,
        kernelDrops: 0,
      });
    },
  );

  it.runIf(canCapture)(
    'counts what the kernel queued before the stop, however late the capture reads it',
    async () => {
      const witness = await startWireWitness(unpinned, port, 100, 'call_nik');
      const pid = witness.pid;
      // Never signal pid 0 (this whole process group): a capture that did not start fails here.
      if (pid === undefined)
        throw new Error(`the capture did not start: ${JSON.stringify(await witness.stop())}`);
      // The capture reads nothing while stopped: the kernel queues the packets, stamped.
      process.kill(pid, 'SIGSTOP');
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let stopping: Promise<WireResult>;
      try {
        for (let i = 0; i < 20; i++) await post(agent, '/x/CALL_NIK');
      } finally {
        agent.destroy();
        // Told to stop before it may run again: it must still read what was queued. (In a
        // finally, so that a failed request never leaves the capture stopped for good.)
        stopping = witness.stop();
        process.kill(pid, 'SIGCONT');
      }
      const count = await stopping;
      expect(count).toMatchObject({ available: true, arrivals: 20, kernelDrops: 0 });
    },
  );

  it.runIf(!canCapture)('says why it did not count without CAP_NET_RAW', async () => {
    const witness = await startWireWitness(unpinned, port, 5, 'call_nik');
    const count = await witness.stop();
    expect(count.available).toBe(false);
    expect(!count.available && count.reason).toMatch(/capture did not start/);
  });
});
