/** The targets the bench loads, and what each one's CPU time is read from. */
import type autocannon from 'autocannon';

export type TargetKey = 'simulator' | 'bare' | 'nginx' | 'lookup' | 'verify';

export interface Target {
  key: TargetKey;
  name: string;
  options: autocannon.Options;
  /** The processes whose CPU time and RSS are the target's. */
  pids: () => number[];
  /** Around the measured window: the simulator direct moves onto the target core and back. */
  enter?: () => void;
  leave?: () => void;
}

export interface TargetSetup {
  simUrl: string;
  bareUrl: string;
  gatewayUrl: string;
  /** Undefined when nginx is not installed. */
  nginxUrl: string | undefined;
  consumer: string;
  tlsOptions: object;
  /** The CALL_NIK body as the upstream takes it (credentials included). */
  upstreamBody: string;
  nik: string;
  pids: {
    simulator: () => number[];
    bare: () => number[];
    nginx: () => number[];
    gateway: () => number[];
  };
  /** Moves the simulator onto the target core (true) or back to the load generator's (false). */
  simulatorOnTargetCore: (on: boolean) => void;
}

export function buildTargets(setup: TargetSetup): Target[] {
  const json = { 'content-type': 'application/json', 'x-operator-id': 'bench' };
  const lookupBody = JSON.stringify({
    nik: setup.nik,
    purpose: 'pendaftaran-wp',
    reference: 'BENCH-1',
  });
  const verifyBody = JSON.stringify({
    nik: setup.nik,
    purpose: 'pendaftaran-wp',
    reference: 'BENCH-1',
    claims: { nama_lengkap: 'Siti Kenari Rahayu', tanggal_lahir: '17-09-1990' },
  });
  const { tlsOptions } = setup;
  const targets: Target[] = [
    {
      key: 'simulator',
      name: 'simulator direct (CALL_NIK)',
      options: {
        url: `${setup.simUrl}/dukcapil/get_json/${setup.consumer}/CALL_NIK`,
        method: 'POST',
        headers: json,
        body: setup.upstreamBody,
      },
      pids: setup.pids.simulator,
      enter: () => {
        setup.simulatorOnTargetCore(true);
      },
      leave: () => {
        setup.simulatorOnTargetCore(false);
      },
    },
    {
      key: 'bare',
      name: 'bare proxy (Hono + undici, mTLS)',
      options: {
        url: `${setup.bareUrl}/v1/nik/lookup`,
        method: 'POST',
        headers: json,
        body: lookupBody,
        tlsOptions,
      },
      pids: setup.pids.bare,
    },
  ];
  if (setup.nginxUrl !== undefined)
    targets.push({
      key: 'nginx',
      name: 'nginx, one worker (mTLS)',
      options: {
        url: `${setup.nginxUrl}/v1/nik/lookup`,
        method: 'POST',
        headers: json,
        body: setup.upstreamBody,
        tlsOptions,
      },
      pids: setup.pids.nginx,
    });
  targets.push(
    {
      key: 'lookup',
      name: 'Gerbang lookup',
      options: {
        url: `${setup.gatewayUrl}/v1/nik/lookup`,
        method: 'POST',
        headers: json,
        body: lookupBody,
        tlsOptions,
      },
      pids: setup.pids.gateway,
    },
    {
      key: 'verify',
      name: 'Gerbang verify',
      options: {
        url: `${setup.gatewayUrl}/v1/nik/verify`,
        method: 'POST',
        headers: json,
        body: verifyBody,
        tlsOptions,
      },
      pids: setup.pids.gateway,
    },
  );
  return targets;
}
