/** The audit trail: what happened, to whom (by HMAC), by whom, and proof that nothing changed. */
export * from './port.ts';
export { InMemoryAuditTrail } from './memory.ts';
export { createSubjectHasher, type SubjectHasher } from './subject.ts';
