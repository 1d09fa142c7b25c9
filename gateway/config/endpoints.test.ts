/** The one way commands find an instance's endpoints: the environment's overrides, validated. */
import { describe, expect, it } from 'vitest';
import { EndpointError, endpointOverridesFrom, instanceEndpoints } from './endpoints.ts';
import { locateInstance, resolveInstance } from './instance.ts';
import type { GerbangConfig } from './schema.ts';

/** Only the keys endpoints read; the rest of a configuration does not matter here. */
const configWith = (server: { host: string; port: number }, baseUrl: string): GerbangConfig =>
  ({ server, upstream: { baseUrl } }) as unknown as GerbangConfig;
const demo = configWith({ host: '127.0.0.1', port: 8443 }, 'http://127.0.0.1:8081');

const failure = (run: () => unknown): { source: string; message: string } => {
  try {
    run();
  } catch (error) {
    if (error instanceof EndpointError) return { source: error.source, message: error.message };
    throw error;
  }
  throw new Error('expected an EndpointError');
};

describe('endpointOverridesFrom', () => {
  it('reads GERBANG_HOST, GERBANG_PORT and GERBANG_SIM_PORT; unset and empty mean none', () => {
    expect(endpointOverridesFrom({})).toEqual({});
    expect(endpointOverridesFrom({ GERBANG_PORT: '', GERBANG_HOST: '' })).toEqual({});
    expect(
      endpointOverridesFrom({
        GERBANG_HOST: '0.0.0.0',
        GERBANG_PORT: '0',
        GERBANG_SIM_PORT: '65535',
      }),
    ).toEqual({ host: '0.0.0.0', port: 0, simulatorPort: 65535 });
  });

  it.each([
    ['GERBANG_PORT', 'https'],
    ['GERBANG_PORT', '65536'],
    ['GERBANG_PORT', '-1'],
    ['GERBANG_PORT', '84.43'],
    ['GERBANG_PORT', ' 8443'],
    ['GERBANG_SIM_PORT', '1e3'],
    ['GERBANG_SIM_PORT', '0x50'],
  ])('%s=%j is a usage error naming the variable', (name, value) => {
    expect(failure(() => endpointOverridesFrom({ [name]: value }))).toEqual({
      source: 'environment',
      message: `${name} must be a port number from 0 to 65535`,
    });
  });

  it.each(['http://x', 'a b', 'host/path', '[::1]'])('GERBANG_HOST=%j is refused', (host) => {
    expect(failure(() => endpointOverridesFrom({ GERBANG_HOST: host })).message).toMatch(
      /^GERBANG_HOST must be a host name or an IP address/,
    );
  });

  it('resolveInstance validates them whatever the command, before anything is read', () => {
    expect(() => resolveInstance({ GERBANG_PORT: 'x', GERBANG_DATA_DIR: '/nonexistent' })).toThrow(
      EndpointError,
    );
    const instance = resolveInstance({ GERBANG_DATA_DIR: '/srv/g', GERBANG_PORT: '9443' }, '/');
    expect(instance.configPath).toBe('/srv/g/gerbang.json');
    expect(instance.endpoints(demo).gatewayListen).toEqual({ host: '127.0.0.1', port: 9443 });
  });
});

describe('instanceEndpoints', () => {
  it('without overrides: the configuration as it is', () => {
    const endpoints = instanceEndpoints(demo);
    expect(endpoints.gatewayListen).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(endpoints.gatewayAddress()).toEqual({
      host: '127.0.0.1',
      port: 8443,
      url: 'https://127.0.0.1:8443',
    });
    expect(endpoints.simulatorPort).toBe(8081);
    expect(endpoints.upstreamBaseUrl()).toBe('http://127.0.0.1:8081');
    expect(endpoints.applyTo(demo)).toEqual(demo);
  });

  it('GERBANG_HOST and GERBANG_PORT move the gateway; any-address means loopback to connect', () => {
    for (const host of ['0.0.0.0', '::']) {
      const endpoints = instanceEndpoints(demo, { host, port: 9443 });
      expect(endpoints.gatewayListen).toEqual({ host, port: 9443 });
      expect(endpoints.gatewayAddress().url).toBe('https://127.0.0.1:9443');
      expect(endpoints.applyTo(demo).server).toEqual({ host, port: 9443 });
    }
    expect(instanceEndpoints(demo, { host: '::1' }).gatewayAddress().url).toBe(
      'https://[::1]:8443',
    );
    expect(instanceEndpoints(demo, { host: 'gerbang.local' }).gatewayAddress().url).toBe(
      'https://gerbang.local:8443',
    );
  });

  it('GERBANG_SIM_PORT is where the simulator listens and replaces the upstream port', () => {
    const endpoints = instanceEndpoints(demo, { simulatorPort: 18081 });
    expect(endpoints.simulatorPort).toBe(18081);
    expect(endpoints.upstreamBaseUrl()).toBe('http://127.0.0.1:18081');
    expect(endpoints.applyTo(demo).upstream.baseUrl).toBe('http://127.0.0.1:18081');
    // A path, and the scheme's default port, are kept.
    const withPath = configWith(demo.server, 'https://dukcapil.example/api/');
    expect(instanceEndpoints(withPath).simulatorPort).toBe(443);
    expect(instanceEndpoints(withPath, { simulatorPort: 9000 }).upstreamBaseUrl()).toBe(
      'https://dukcapil.example:9000/api/',
    );
    // The demo's own simulator URL wins over the configured upstream.
    expect(endpoints.applyTo(demo, 'http://127.0.0.1:41000').upstream.baseUrl).toBe(
      'http://127.0.0.1:41000',
    );
  });

  it('port 0 is for listening only: a command that connects is told it cannot know the port', () => {
    const anyPort = instanceEndpoints(demo, { port: 0, simulatorPort: 0 });
    expect(anyPort.gatewayListen.port).toBe(0);
    expect(anyPort.simulatorPort).toBe(0);
    expect(failure(() => anyPort.gatewayAddress())).toEqual({
      source: 'environment',
      message: expect.stringMatching(
        /^GERBANG_PORT is 0 \(any free port\), which only a command that listens can use: the port of the gateway cannot be known here/,
      ) as string,
    });
    expect(failure(() => anyPort.upstreamBaseUrl()).message).toMatch(/^GERBANG_SIM_PORT is 0/);
    // serve connects to its upstream: it cannot run against port 0 either.
    expect(() => anyPort.applyTo(demo)).toThrow(/GERBANG_SIM_PORT is 0/);
    const configuredZero = configWith({ host: '127.0.0.1', port: 0 }, 'http://127.0.0.1:0');
    expect(failure(() => instanceEndpoints(configuredZero).gatewayAddress())).toEqual({
      source: 'configuration',
      message: expect.stringMatching(/^server\.port is 0 \(any free port\)/) as string,
    });
    expect(failure(() => instanceEndpoints(configuredZero).upstreamBaseUrl()).message).toMatch(
      /^the port of upstream\.baseUrl is 0/,
    );
  });
});

describe('locateInstance', () => {
  it('takes an empty GERBANG_DATA_DIR or GERBANG_CONFIG as unset, not as the working directory', () => {
    expect(locateInstance({ GERBANG_DATA_DIR: '', GERBANG_CONFIG: '' }, '/srv')).toEqual({
      dataDir: '/srv/var',
      configPath: '/srv/var/gerbang.json',
      pkiDir: '/srv/var/pki',
    });
  });
});
