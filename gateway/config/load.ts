/**
 * Loads and checks the configuration file: JSON, then the schema (with defaults), then the rules
 * a schema cannot express. Every problem names its path in the file. Relative paths are resolved
 * against the file's directory, and secret files are checked for their permissions. The rules
 * are semantic-checks.ts, the paths and secrets resolve-paths.ts; both re-exported from here.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createAjv, describeAjvErrors } from './ajv.ts';
import { agreementCalendarProblems } from '../../policies/index.ts';
import {
  AgreementSchema,
  ConfigSchema,
  StoredInstrumentSchema,
  type AgreementConfig,
  type InstrumentConfig,
  type GerbangConfig,
} from './schema.ts';
import { checkSecretFile, SecretError } from './secrets.ts';
import { readIkdIssuerKeys } from './ikd-keys.ts';
import { resolvePaths, secretPathsOf } from './resolve-paths.ts';
import { semanticProblems } from './semantic-checks.ts';

export { upstreamNames } from './upstreams.ts';
export { configuredPrincipal } from './semantic-checks.ts';
export { secretPathsOf } from './resolve-paths.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`configuration ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.file = file;
    this.problems = problems;
  }
}

const ajv = createAjv({ allErrors: true });
const validate = ajv.compile<GerbangConfig>(ConfigSchema);
const validateAgreement = ajv.compile<AgreementConfig>(AgreementSchema);
const validateStoredInstrument = ajv.compile<InstrumentConfig>(StoredInstrumentSchema);

/**
 * Checks a parsed configuration against the schema (filling defaults) and the cross-field rules,
 * without touching the file system.
 */
export function checkConfigDocument(
  data: unknown,
): { ok: true; config: GerbangConfig } | { ok: false; problems: string[] } {
  if (!validate(data)) return { ok: false, problems: describeAjvErrors(validate.errors) };
  const problems = semanticProblems(data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: data };
}

/**
 * Checks one agreement by the rules of the configuration file (schema, calendar): for renewals
 * before they are stored, and for agreements read back from the state database.
 */
export function checkAgreementDocument(
  data: unknown,
): { ok: true; agreement: AgreementConfig } | { ok: false; problems: string[] } {
  // Defaults are filled in a copy: the caller's object is not changed.
  const copy: unknown = structuredClone(data);
  // Unknown keys are not named: a stored row's keys could be anything, a NIK included.
  if (!validateAgreement(copy))
    return { ok: false, problems: describeAjvErrors(validateAgreement.errors, false) };
  const problems = agreementCalendarProblems(copy).map(
    ({ field, problem }) => `/${field} ${problem}`,
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, agreement: copy };
}

/**
 * Checks one instrument as stored in state.db, and against the agreement it amends (its dates
 * by the calendar rules of the configuration file).
 */
export function checkInstrumentDocument(
  data: unknown,
  agreement: Pick<AgreementConfig, 'validFrom' | 'validUntil' | 'timeZone'> & {
    readonly instruments?: readonly { number: string; effectiveOn: string; validUntil?: string }[];
  },
): { ok: true; instrument: InstrumentConfig } | { ok: false; problems: string[] } {
  const copy: unknown = structuredClone(data);
  if (!validateStoredInstrument(copy))
    return { ok: false, problems: describeAjvErrors(validateStoredInstrument.errors, false) };
  const problems = agreementCalendarProblems({
    validFrom: agreement.validFrom,
    validUntil: agreement.validUntil,
    timeZone: agreement.timeZone,
    instruments: [...(agreement.instruments ?? []), copy],
  })
    .filter(({ field }) => field.startsWith('instruments/'))
    .map(({ field, problem }) => `/${field.replace(/^instruments\/\d+\//, '')} ${problem}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, instrument: copy };
}

/**
 * Loads, validates and resolves a configuration file; by default also checks that every secret
 * file exists and is readable by its owner only (`gerbang doctor` checks those on its own line).
 * Throws ConfigError.
 */
export function loadConfig(path: string, options: { checkSecrets?: boolean } = {}): GerbangConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`is not valid JSON: ${(error as Error).message}`]);
  }
  const checked = checkConfigDocument(data);
  if (!checked.ok) throw new ConfigError(path, checked.problems);
  let config: GerbangConfig;
  try {
    config = resolvePaths(checked.config, dirname(path));
    if (options.checkSecrets ?? true)
      for (const [, secretPath] of secretPathsOf(config)) checkSecretFile(secretPath);
  } catch (error) {
    if (error instanceof SecretError) throw new ConfigError(path, [error.message]);
    throw error;
  }
  if (config.ikd !== undefined) {
    const keys = readIkdIssuerKeys(config.ikd.issuerKeys);
    if (!keys.ok) throw new ConfigError(path, keys.problems);
  }
  return config;
}
