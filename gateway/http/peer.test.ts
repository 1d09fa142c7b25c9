/** The bound client of an operator certificate, as Node writes its subject alternative names. */
import { describe, expect, it } from 'vitest';
import { boundClientOf } from './peer.ts';

describe('boundClientOf', () => {
  it.each([
    ['URI:urn:gerbang:client:app-pendaftaran', 'app-pendaftaran'],
    ['DNS:localhost, URI:urn:gerbang:client:app-kasir', 'app-kasir'],
    ['DNS:localhost, IP Address:127.0.0.1', undefined],
    [undefined, undefined],
    ['URI:https://example.org/urn:gerbang:client:x', undefined],
    // Two bindings are no binding: the certificate is refused rather than one picked.
    ['URI:urn:gerbang:client:a, URI:urn:gerbang:client:b', null],
  ])('%s → %s', (san, client) => {
    expect(boundClientOf(san)).toBe(client);
  });
});
