export {
  ConfigSchema,
  ROLES,
  type GerbangConfig,
  type PrincipalConfig,
  type ClientProfileConfig,
  type AgreementConfig,
  type Role,
} from './schema.ts';
export {
  loadConfig,
  checkConfigDocument,
  checkAgreementDocument,
  configuredPrincipal,
  ConfigError,
  secretPathsOf,
} from './load.ts';
export { locateInstance, type InstanceLocation } from './instance.ts';
export { readSecretText, readSecretBytes, checkSecretFile, SecretError } from './secrets.ts';
