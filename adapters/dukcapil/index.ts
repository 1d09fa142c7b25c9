export * from './port.ts';
export { DukcapilHttpClient, type DukcapilHttpOptions } from './http-client.ts';
export { dukcapilMethodUrl, type DukcapilMethod } from './method-url.ts';
export { readBodyWithin } from './transport.ts';
export { FakeDukcapilClient } from './fake.ts';
export { firstContentObject, getCaseInsensitive, parseCallNikEnvelope } from './envelope.ts';
export { classifyRespon } from './respon.ts';
export { CircuitBreaker } from './breaker.ts';
export { parseVerdict, parseVerifyEnvelope } from './verify-envelope.ts';
