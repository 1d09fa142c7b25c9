/** The value checks handlers share: ports and gateway URLs, refused as usage errors. */
import { describe, expect, it } from 'vitest';
import { gatewayUrlOption, portOption, UsageError } from './args.ts';

describe('option values', () => {
  it.each([
    [undefined, 8444],
    ['0', 0],
    ['35963', 35963],
    ['65535', 65535],
  ])('--port %s → %s', (raw, port) => {
    expect(portOption('--port', raw, 8444)).toBe(port);
  });

  it.each(['abc', '65536', '99999', '-1', '1.5', '', ' 80', '0x50'])(
    '--port %j is a usage error naming the option',
    (raw) => {
      expect(() => portOption('--port', raw, 8444)).toThrow(
        new UsageError('--port must be a port number from 0 to 65535'),
      );
    },
  );

  it('takes an https gateway URL, without a trailing slash', () => {
    expect(gatewayUrlOption('--gateway', 'https://127.0.0.1:8443/')).toBe('https://127.0.0.1:8443');
    expect(gatewayUrlOption('--gateway', undefined)).toBeUndefined();
  });

  it.each([
    ['notaurl', /must be a URL/],
    ['http://127.0.0.1:8443', /must be an https URL/],
  ])('refuses --gateway %s', (raw, message) => {
    expect(() => gatewayUrlOption('--gateway', raw)).toThrow(message);
  });
});
