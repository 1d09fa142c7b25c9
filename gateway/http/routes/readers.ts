/**
 * Card reads from KTP-el readers (role `reader`): a single-use challenge, then the card read with
 * the SAM's proof over it. A card read is a data path: audited like a lookup, with the reader id.
 */
import { Type } from '@sinclair/typebox';
import type { Context, MiddlewareHandler } from 'hono';
import {
  checkNik,
  ELEMENTS,
  normaliseUpstreamRecord,
  type ElementName,
} from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import type { ActiveReader, GatewayEnv } from '../env.ts';
import { dataPathDraft } from '../middleware/audit-data-path.ts';
import { authorizeRelease, releaseElements } from './release.ts';
import { ErrorResponse, LookupResponse, Purpose, Reference } from '../schemas.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';

const Base64 = (maxLength: number) =>
  Type.String({ minLength: 4, maxLength, pattern: '^[A-Za-z0-9+/]+={0,2}$' });

export const CardReadRequest = Type.Object(
  {
    nonce: Base64(64),
    purpose: Purpose,
    reference: Reference,
    fields: Type.Optional(
      Type.Array(Type.Unsafe<ElementName>({ type: 'string', enum: [...ELEMENTS] }), {
        minItems: 1,
        maxItems: ELEMENTS.length,
        uniqueItems: true,
      }),
    ),
    cardData: Base64(8192),
    issuerSignature: Base64(256),
    samSerial: Type.String({ pattern: '^[0-9A-Fa-f]{2,64}$' }),
    samCertificate: Base64(4096),
    samSignature: Base64(256),
    /**
     * Hold the read's NIK for two minutes for the operator named by X-Operator-Id to pick up at
     * the clerk portal (docs/portal.md); nothing is held without it.
     */
    forPortal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'CardReadRequest' },
);

export const ChallengeResponse = Type.Object(
  { nonce: Type.String(), expiresAt: Type.String() },
  { title: 'ChallengeResponse' },
);

/**
 * The guard of the reader routes: the reader in the path must be the reader on the certificate,
 * enrolled and active. Leaves its registry row and the reader services (which exist whenever a
 * reader can be active) in `c.var.reader`, and its id in the audit draft of a data path.
 */
function activeReader(deps: AppDeps): MiddlewareHandler<GatewayEnv> {
  return async function activeReaderMiddleware(c, next) {
    const readerId = c.req.param('readerId') ?? '';
    if (readerId !== c.var.principal.id)
      throw new ApiError('forbidden', { detail: 'reader id differs from the certificate' });
    if (deps.readers === undefined)
      throw new ApiError('reader_not_active', { detail: 'no readers configured' });
    const reader = deps.policy.registry.reader(readerId);
    if (reader?.state !== 'active')
      throw new ApiError('reader_not_active', {
        detail: `reader state ${reader?.state ?? 'not enrolled'}`,
      });
    c.set('reader', { id: readerId, row: reader, services: deps.readers });
    const draft = c.var.audit;
    if (draft !== undefined) draft.readerId = readerId;
    await next();
  };
}

/** The reader the guard found; a reader route without the guard has none (a wiring error). */
function activeReaderOf(c: Context<GatewayEnv>): ActiveReader {
  const reader = c.var.reader;
  if (reader === undefined)
    throw new ApiError('internal_error', { detail: 'reader route without its guard' });
  return reader;
}

export function readerRoutes(deps: AppDeps): RouteSpec[] {
  const guards = [activeReader(deps)];
  return [
    {
      method: 'POST',
      path: '/v1/readers/:readerId/challenge',
      roles: ['reader'],
      summary: 'A single-use nonce (32 bytes, base64) for the next card read of this reader',
      guards,
      responses: {
        200: { description: 'the nonce', schema: ChallengeResponse },
        403: { description: 'reader_not_active', schema: ErrorResponse },
      },
      handler: (c) => {
        const { id: readerId, services: readers } = activeReaderOf(c);
        const { nonce, expiresAt } = readers.nonces.issue(readerId, deps.now());
        return c.json({
          nonce: nonce.toString('base64'),
          expiresAt: new Date(expiresAt).toISOString(),
        });
      },
    },
    defineRoute({
      method: 'POST',
      path: '/v1/readers/:readerId/card-reads',
      roles: ['reader'],
      summary: 'A card read with the SAM proof over the challenge; returns the granted elements',
      auditType: 'card_read',
      requestBody: CardReadRequest,
      schemaErrorCodes: (path, keyword) =>
        path.startsWith('/fields/') && keyword === 'enum' ? 'field_not_allowed' : undefined,
      requiresOperator: true,
      guards,
      responses: {
        200: { description: 'the granted elements', schema: LookupResponse },
        400: { description: 'invalid_request, invalid_card', schema: ErrorResponse },
        403: {
          description: 'reader_not_active, reader_proof_invalid, agreement_inactive, ...',
          schema: ErrorResponse,
        },
        409: { description: 'nonce_used', schema: ErrorResponse },
      },
      handler: async function cardReadHandler(c) {
        const draft = dataPathDraft(c);
        const { id: readerId, row: reader, services: readers } = activeReaderOf(c);
        const body = c.var.body;
        draft.purpose = body.purpose;
        draft.reference = body.reference;
        const now = deps.now();
        const nonce = Buffer.from(body.nonce, 'base64');
        const verdict = readers.nonces.consume(nonce, readerId, now);
        if (verdict === 'used') throw new ApiError('nonce_used');
        if (verdict !== 'ok')
          throw new ApiError('reader_proof_invalid', { detail: `nonce ${verdict}` });
        const cardData = Buffer.from(body.cardData, 'base64');
        await readers.verifier.verify({
          readerId,
          enrolledFingerprint: reader.samFingerprint,
          nonce,
          cardData,
          issuerSignature: Buffer.from(body.issuerSignature, 'base64'),
          samCertificate: Buffer.from(body.samCertificate, 'base64'),
          samSignature: Buffer.from(body.samSignature, 'base64'),
          now,
        });
        let raw: unknown;
        try {
          raw = JSON.parse(cardData.toString('utf8'));
        } catch {
          throw new ApiError('invalid_card', { detail: 'card data is not JSON' });
        }
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
          throw new ApiError('invalid_card', { detail: 'card data is not an object' });
        const { record } = normaliseUpstreamRecord(raw as Record<string, unknown>);
        if (record.nik === undefined || !checkNik(record.nik).valid)
          throw new ApiError('invalid_card', { detail: 'card carries no valid NIK' });
        draft.subject = deps.subjectHasher(record.nik);

        const { fields } = authorizeRelease(deps, draft, {
          principalId: readerId,
          purpose: body.purpose,
          fields: body.fields,
          now,
        });
        const released = await releaseElements(c, deps, draft, record, fields);
        // Asked for by the agent: held briefly for its operator's pickup at the portal.
        if (body.forPortal === true)
          deps.portal.cardReads.offer({
            readerId,
            operator: c.var.operatorId,
            nik: record.nik,
            now: deps.now(),
          });
        return c.json({ requestId: c.var.requestId, data: released });
      },
    }),
  ];
}
