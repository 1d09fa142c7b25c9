export * from './port.ts';
export { DukcapilHttpClient, type DukcapilHttpOptions } from './http-client.ts';
export { FakeDukcapilClient } from './fake.ts';
export { parseCallNikEnvelope } from './envelope.ts';
export { classifyRespon } from './respon.ts';
export { CircuitBreaker } from './breaker.ts';
export { parseVerdict, parseVerifyEnvelope } from './verify-envelope.ts';
