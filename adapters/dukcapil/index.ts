export * from './port.ts';
export { DukcapilHttpClient, type DukcapilHttpOptions } from './http-client.ts';
export {
  CONSUMER_PATTERN,
  dukcapilMethodUrl,
  REGION_PATTERN,
  type DukcapilMethod,
  type UpstreamEndpoint,
} from './method-url.ts';
export {
  ADDRESS_PART_KEYS,
  BUILT_IN_PROFILES,
  CENTRAL_PROFILE,
  DOMAIN_RESPONSE_CODES,
  profileProblems,
  REGIONAL_PROFILE,
  resolveUpstreamProfile,
  type UpstreamProfile,
  type UpstreamProfileSetting,
} from './profile.ts';
export { callNikBody, verifyBody, type UpstreamCredentials } from './request-body.ts';
export { readBodyWithin } from './transport.ts';
export { FakeDukcapilClient } from './fake.ts';
export { firstContentObject, getCaseInsensitive, parseCallNikEnvelope } from './envelope.ts';
export { classifyRespon } from './respon.ts';
export { CircuitBreaker } from './breaker.ts';
export { parseVerdict, parseVerifyEnvelope } from './verify-envelope.ts';
