export * from './port.ts';
export {
  DukcapilHttpClient,
  dukcapilMethodUrl,
  type DukcapilHttpOptions,
  type DukcapilMethod,
} from './http-client.ts';
export { FakeDukcapilClient } from './fake.ts';
export { firstContentObject, getCaseInsensitive, parseCallNikEnvelope } from './envelope.ts';
export { classifyRespon } from './respon.ts';
export { CircuitBreaker } from './breaker.ts';
export { parseVerdict, parseVerifyEnvelope } from './verify-envelope.ts';
