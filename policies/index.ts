/** Pure policy decisions: no I/O, no imports from gateway/ or adapters/. */
export * from './elements.ts';
export * from './nik.ts';
export * from './stored-text.ts';
export * from './allowlist.ts';
export * from './agreement.ts';
export * from './access.ts';
export * from './rate-limit.ts';
export * from './anomaly.ts';
export * from './tax.ts';
export * from './claims.ts';
export * from './calendar.ts';
export * from './retention.ts';
export * from './lru-map.ts';
