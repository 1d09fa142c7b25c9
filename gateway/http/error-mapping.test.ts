/** The one mapping from the errors of the layers below to catalogue codes. */
import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from '../../adapters/dukcapil/port.ts';
import { StorageUnavailable } from '../../adapters/sqlite/port.ts';
import { AdminActionError } from '../services/admin/errors.ts';
import { AuditUnavailable } from '../services/errors.ts';
import { CardReadRefused } from '../services/readers/card-read-verifier.ts';
import { ERROR_CATALOGUE } from './error-catalogue.ts';
import { toApiError } from './error-mapping.ts';

describe('toApiError', () => {
  it.each([
    [new UpstreamFailure('timeout', 'no answer'), 'upstream_timeout'],
    [new StorageUnavailable('state', 'state.db', new Error('full')), 'state_unavailable'],
    [new StorageUnavailable('outbox', 'outbox.db', new Error('full')), 'outbox_unavailable'],
    [new AuditUnavailable(new Error('disk full')), 'audit_unavailable'],
    [new AdminActionError('invalid', 'no'), 'invalid_request'],
    [new AdminActionError('not_found', 'no such reader'), 'not_found'],
    [new AdminActionError('conflict', 'the reader is blacklisted'), 'conflict'],
    [
      new CardReadRefused('reader_proof_invalid', 'SAM signature does not verify'),
      'reader_proof_invalid',
    ],
    [new CardReadRefused('invalid_card', 'issuer signature does not verify'), 'invalid_card'],
  ])('maps %s to its code', (error, code) => {
    expect(toApiError(error).code).toBe(code);
  });

  it('tells when to come back from an open breaker (Retry-After, whole seconds, at least 1)', () => {
    const open = toApiError(
      new UpstreamFailure('unavailable', 'circuit breaker open', undefined, 8_200),
    );
    expect([open.code, open.headers['Retry-After']]).toEqual(['upstream_unavailable', '9']);
    expect(
      toApiError(new UpstreamFailure('unavailable', 'circuit breaker open', undefined, 0)).headers[
        'Retry-After'
      ],
    ).toBe('1');
    expect(toApiError(new UpstreamFailure('unavailable', 'connection refused')).headers).toEqual(
      {},
    );
  });

  it('makes anything it does not name a 500 internal_error with the catalogue message only', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      'a string',
    ]) {
      const mapped = toApiError(error);
      expect([mapped.code, mapped.status, mapped.publicMessage]).toEqual([
        'internal_error',
        500,
        ERROR_CATALOGUE.internal_error.message,
      ]);
    }
  });

  it('sends an admin refusal with its own message, and nothing of a card refusal but the code', () => {
    expect(
      toApiError(new AdminActionError('conflict', 'the reader is blacklisted')).publicMessage,
    ).toBe('the reader is blacklisted');
    expect(
      toApiError(new CardReadRefused('invalid_card', 'issuer signature does not verify'))
        .publicMessage,
    ).toBe(ERROR_CATALOGUE.invalid_card.message);
  });
});
