/**
 * The error every service throws when the audit trail refuses the record that must come first
 * (fail closed: invariant 2). The HTTP layer answers it with `503 audit_unavailable`
 * (gateway/http/error-mapping.ts); the CLI prints its message. Any other failure is a fault.
 */

export class AuditUnavailable extends Error {
  override readonly name = 'AuditUnavailable';
  /** `consequence`: what was therefore not done, in words for the operator. */
  constructor(cause: unknown, consequence = 'the change was not made') {
    super(
      `the audit trail could not record the change, so ${consequence}: ${
        cause instanceof Error ? cause.message : 'unknown failure'
      }`,
      { cause },
    );
  }
}
