export {
  ConfigSchema,
  ROLES,
  CONFIGURED_ROLES,
  DEFAULT_UPSTREAM,
  UPSTREAM_NAME_PATTERN,
  type UpstreamConfig,
  type IkdConfig,
  type GerbangConfig,
  type PrincipalConfig,
  type ClientProfileConfig,
  type AgreementConfig,
  type InstrumentConfig,
  type Role,
} from './schema.ts';
export {
  loadConfig,
  checkConfigDocument,
  checkAgreementDocument,
  checkInstrumentDocument,
  configuredPrincipal,
  ConfigError,
  secretPathsOf,
  upstreamNames,
} from './load.ts';
export { configuredUpstreams, upstreamNamed, upstreamReservations } from './upstreams.ts';
export { readIkdIssuerKeys, ikdIssuerKeyProblem } from './ikd-keys.ts';
export { locateInstance, type InstanceLocation } from './instance.ts';
export { readSecretText, readSecretBytes, checkSecretFile, SecretError } from './secrets.ts';
