/**
 * The stored-text guard covers every field a client sends in a body, this one and any added later:
 * each string field of every route's request schema declares a stored-text format (schemas.ts),
 * is an enum, or is one of the fields named here with why it needs none. A new free-text field
 * without the guard fails this test until it is given the format or a reason.
 */
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers/in-process-app.ts';
import { STORED_TEXT_FORMATS } from './schemas.ts';

/** Fields that need no guard, by route and JSON pointer, and why. */
const UNGUARDED: Readonly<Record<string, string>> = {
  '/nik': 'the NIK itself: checked for its form, stored only as an HMAC',
  '/claims/*': 'compared with the registry and dropped; never stored or logged',
  '/purpose':
    "a purpose of the client's grant (PURPOSE_PATTERN), matched against the configuration",
  '/npwpd': "return data by design, matched against the agreement's npwpdPattern",
  '/nonce': 'base64 of a nonce the gateway issued, matched against its own',
  '/cardData': 'the signed card read, parsed and dropped (no-retention)',
  '/issuerSignature': 'base64 signature, verified and dropped',
  '/samCertificate': 'a certificate, parsed and checked; only its fingerprint is stored',
  '/samSignature': 'base64 signature, verified and dropped',
  '/samSerial': "read by no one: the serial used is the SAM certificate's own",
  '/readerId': 'PRINCIPAL_ID_PATTERN',
  '/signedOn': 'an ISO date',
  '/validFrom': 'an ISO date',
  '/validUntil': 'an ISO date',
  '/submittedOn': 'an ISO date',
  '/effectiveAt': 'an ISO instant',
  '/effectiveOn': 'an ISO date',
  '/sha256': 'hexadecimal digits only',
};

function stringFields(schema: TSchema, at: string, out: [string, TSchema][]): void {
  const s = schema as Record<string, unknown>;
  if (s['type'] === 'string') out.push([at, schema]);
  for (const [key, child] of Object.entries((s['properties'] ?? {}) as Record<string, TSchema>))
    stringFields(child, `${at}/${key}`, out);
  if (s['items'] !== undefined) stringFields(s['items'] as TSchema, `${at}/*`, out);
  for (const branch of (s['anyOf'] ?? s['oneOf'] ?? []) as TSchema[]) stringFields(branch, at, out);
}

describe('stored-text coverage of request bodies', () => {
  it('every string field of every request body is guarded, an enum, or named with a reason', async () => {
    const { routes } = await buildTestApp();
    const unguarded: string[] = [];
    for (const route of routes) {
      if (route.requestBody === undefined) continue;
      const fields: [string, TSchema][] = [];
      stringFields(route.requestBody, '', fields);
      for (const [path, schema] of fields) {
        const s = schema as Record<string, unknown>;
        const guarded = Object.values(STORED_TEXT_FORMATS).includes(s['format'] as never);
        const named = UNGUARDED[path] ?? UNGUARDED[path.replace(/\/[^/]+$/, '/*')];
        if (!guarded && s['enum'] === undefined && named === undefined)
          unguarded.push(`${route.method} ${route.path} ${path}`);
      }
    }
    expect(unguarded).toEqual([]);
  });
});
