/**
 * What an administrative change is refused with, for the admin API and the CLI alike. The HTTP
 * layer maps each to its catalogue code (gateway/http/error-mapping.ts) and sends the message of
 * an AdminActionError as it is: a fixed phrase of ours, or the fields of our own schema, never
 * anything the administrator sent.
 */

export class AdminActionError extends Error {
  override readonly name = 'AdminActionError';
  readonly kind: 'invalid' | 'not_found' | 'conflict';
  constructor(kind: 'invalid' | 'not_found' | 'conflict', message: string) {
    super(message);
    this.kind = kind;
  }
}
