/** Starts the simulator on a plain HTTP port (the closed network link is not TLS in the PKS). */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createSimulatorApp, type SimulatorOptions } from './app.ts';

export interface RunningSimulator {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function startSimulator(
  options: SimulatorOptions & { host?: string; port?: number },
): Promise<RunningSimulator> {
  const app = createSimulatorApp(options);
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const onListening = (info: AddressInfo): void => {
      const s = server;
      if (s === undefined) return;
      s.removeListener('error', reject);
      resolve({
        url: `http://${info.address}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            s.close(() => {
              done();
            });
            if ('closeAllConnections' in s) s.closeAllConnections();
          }),
      });
    };
    server = serve(
      { fetch: app.fetch, hostname: options.host ?? '127.0.0.1', port: options.port ?? 8081 },
      onListening,
    );
    server.once('error', reject);
  });
}
