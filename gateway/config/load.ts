/**
 * Loads and checks the configuration file: JSON, then the schema (with defaults), then the rules
 * a schema cannot express. Every problem names its path in the file. Relative paths are resolved
 * against the file's directory, and secret files are checked for their permissions.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createAjv, describeAjvErrors } from './ajv.ts';
import { agreementCalendarProblems, isIanaTimeZone } from '../../policies/index.ts';
import {
  AgreementSchema,
  ConfigSchema,
  DEFAULT_UPSTREAM,
  StoredInstrumentSchema,
  type AgreementConfig,
  type InstrumentConfig,
  type GerbangConfig,
} from './schema.ts';
import { checkSecretFile, resolveSecretPath, SecretError } from './secrets.ts';
import { readIkdIssuerKeys } from './ikd-keys.ts';
import { returnDataProblems } from './return-data-checks.ts';
import { configuredUpstreams, upstreamNames, upstreamReservations } from './upstreams.ts';

export { upstreamNames } from './upstreams.ts';

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

/** An agreement's upstream and clients must exist: a typing error would serve nobody, or the wrong one. */
function agreementBindingProblems(
  config: GerbangConfig,
  agreement: GerbangConfig['agreements'][number],
  i: number,
): string[] {
  const problems: string[] = [];
  const upstreams = upstreamNames(config);
  if (agreement.upstream !== undefined && !upstreams.includes(agreement.upstream))
    problems.push(
      `/agreements/${i}/upstream: agreement ${agreement.number} names upstream ${agreement.upstream}, which is not configured (known: ${upstreams.join(', ')})`,
    );
  for (const client of agreement.clients ?? []) {
    const role = configuredPrincipal(config, client)?.role;
    if (role !== 'app' && role !== 'reader')
      problems.push(`/agreements/${i}/clients: ${client} is not a configured app or reader`);
  }
  return problems;
}

/** Where an upstream sits in the file, for problems that name it. */
const upstreamAt = (name: string): string =>
  name === DEFAULT_UPSTREAM ? '/upstream' : `/upstreams/${name}`;

/** Each upstream's quota zone and the reservations held on its quota. */
function upstreamProblems(config: GerbangConfig): string[] {
  const problems: string[] = [];
  // `default` is the `upstream` object's name: a second one of that name would be ambiguous.
  if (config.upstreams !== undefined && Object.hasOwn(config.upstreams, DEFAULT_UPSTREAM))
    problems.push(`/upstreams/${DEFAULT_UPSTREAM} is the name of /upstream; choose another name`);
  const reservations = upstreamReservations(config);
  for (const [name, upstream] of configuredUpstreams(config)) {
    const at = upstreamAt(name);
    if (!isIanaTimeZone(upstream.quotaTimeZone))
      problems.push(`${at}/quotaTimeZone must be an IANA time zone name such as Asia/Jakarta`);
    // The quotas keep one day (services/clients/limits.ts): a second zone would reset some of
    // them at another midnight, which the counters do not model.
    else if (upstream.quotaTimeZone !== config.upstream.quotaTimeZone)
      problems.push(`${at}/quotaTimeZone must be /upstream/quotaTimeZone's`);
    const reserved = Object.values(reservations[name] ?? {}).reduce((a, b) => a + b, 0);
    if (reserved > upstream.dailyQuota)
      problems.push(
        `/principals: the upstreamQuotaReserve of the clients on ${name} (${String(reserved)}) exceeds ${at}/dailyQuota (${String(upstream.dailyQuota)})`,
      );
  }
  return problems;
}

function semanticProblems(config: GerbangConfig): string[] {
  const problems: string[] = [];
  const numbers = new Set<string>();
  config.agreements.forEach((agreement, i) => {
    for (const { field, problem } of agreementCalendarProblems(agreement))
      problems.push(`/agreements/${i}/${field} ${problem}`);
    if (numbers.has(agreement.number))
      problems.push(`/agreements/${i}/number is the number of an earlier agreement`);
    numbers.add(agreement.number);
    problems.push(...agreementBindingProblems(config, agreement, i));
  });
  problems.push(...upstreamProblems(config));
  const zones: [string, string | undefined][] = [
    ['/anomalies/serviceHours/timeZone', config.anomalies.serviceHours?.timeZone],
  ];
  for (const [at, zone] of zones)
    if (zone !== undefined && !isIanaTimeZone(zone))
      problems.push(`${at} must be an IANA time zone name such as Asia/Jakarta`);
  const agreed = new Set(config.agreements.flatMap((agreement) => agreement.elements));
  for (const [id, principal] of Object.entries(config.principals)) {
    const at = `/principals/${id}`;
    if (principal.role === 'app' && principal.profile === undefined)
      problems.push(`${at}/profile is required for role app`);
    if (principal.role !== 'app' && principal.role !== 'reader' && principal.profile !== undefined)
      problems.push(`${at}/profile is only for roles app and reader`);
    for (const element of principal.profile?.elements ?? []) {
      if (!agreed.has(element))
        problems.push(`${at}/profile/elements: ${element} is not granted by any agreement`);
    }
  }
  try {
    new RegExp(config.returnData.npwpdPattern, 'u');
  } catch {
    problems.push('/returnData/npwpdPattern is not a valid regular expression');
  }
  problems.push(...returnDataProblems(config.returnData));
  const keyIds = new Set<string>();
  config.ikd?.issuerKeys.forEach(({ id }, i) => {
    if (keyIds.has(id)) problems.push(`/ikd/issuerKeys/${i}/id is the id of an earlier key`);
    keyIds.add(id);
  });
  return problems;
}

/** Resolves every path in the configuration against `baseDir`; secrets may be credential:NAME. */
function resolvePaths(config: GerbangConfig, baseDir: string): GerbangConfig {
  const file = (path: string): string => resolve(baseDir, path);
  const secret = (path: string): string =>
    path.startsWith('credential:') ? resolveSecretPath(path) : resolve(baseDir, path);
  return {
    ...config,
    server: {
      ...config.server,
      certFile: file(config.server.certFile),
      keyFile: secret(config.server.keyFile),
      clientCaFile: file(config.server.clientCaFile),
      crlFile: file(config.server.crlFile),
    },
    upstream: { ...config.upstream, passwordFile: secret(config.upstream.passwordFile) },
    ...(config.upstreams === undefined
      ? {}
      : {
          upstreams: Object.fromEntries(
            Object.entries(config.upstreams).map(([name, upstream]) => [
              name,
              { ...upstream, passwordFile: secret(upstream.passwordFile) },
            ]),
          ),
        }),
    returnData:
      config.returnData.auth.kind === 'bearer'
        ? {
            ...config.returnData,
            auth: {
              ...config.returnData.auth,
              tokenFile: secret(config.returnData.auth.tokenFile),
            },
          }
        : config.returnData,
    agreements: config.agreements.map((agreement) =>
      agreement.instruments === undefined
        ? agreement
        : {
            ...agreement,
            instruments: agreement.instruments.map((instrument) =>
              instrument.file === undefined
                ? instrument
                : { ...instrument, file: file(instrument.file) },
            ),
          },
    ),
    audit: {
      ...config.audit,
      hmacKeyFile: secret(config.audit.hmacKeyFile),
      ...(config.audit.previousHmacKeyFiles === undefined
        ? {}
        : { previousHmacKeyFiles: config.audit.previousHmacKeyFiles.map(secret) }),
      signingKeyFile: secret(config.audit.signingKeyFile),
      signingCertFile: file(config.audit.signingCertFile),
      ...(config.audit.previousSigningCertFiles === undefined
        ? {}
        : { previousSigningCertFiles: config.audit.previousSigningCertFiles.map(file) }),
      ...(config.audit.databaseFile === undefined
        ? {}
        : { databaseFile: file(config.audit.databaseFile) }),
      ...(config.audit.timestampAuthority === undefined
        ? {}
        : {
            timestampAuthority: {
              ...config.audit.timestampAuthority,
              caFile: file(config.audit.timestampAuthority.caFile),
              ...(config.audit.timestampAuthority.tlsCaFile === undefined
                ? {}
                : { tlsCaFile: file(config.audit.timestampAuthority.tlsCaFile) }),
            },
          }),
    },
    ...(config.reports === undefined
      ? {}
      : {
          reports: {
            signingKeyFile: secret(config.reports.signingKeyFile),
            signingCertFile: file(config.reports.signingCertFile),
          },
        }),
    ...(config.readers === undefined
      ? {}
      : {
          readers: {
            ...config.readers,
            samCaFile: file(config.readers.samCaFile),
            cardIssuerCertFile: file(config.readers.cardIssuerCertFile),
            ...(config.readers.samCrlFile === undefined
              ? {}
              : { samCrlFile: file(config.readers.samCrlFile) }),
          },
        }),
    ...(config.ikd === undefined
      ? {}
      : {
          ikd: {
            ...config.ikd,
            issuerKeys: config.ikd.issuerKeys.map((key) => ({
              ...key,
              publicKeyFile: file(key.publicKeyFile),
            })),
          },
        }),
    ...(config.siem === undefined
      ? {}
      : {
          siem: {
            ...config.siem,
            caFile: file(config.siem.caFile),
            certFile: file(config.siem.certFile),
            keyFile: secret(config.siem.keyFile),
          },
        }),
  };
}

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
 * The principal configured under `id`: own keys only, so that `toString`, `constructor` or
 * `__proto__` are no principals (a plain object lookup would find Object.prototype's members).
 */
export function configuredPrincipal(
  config: GerbangConfig,
  id: string,
): GerbangConfig['principals'][string] | undefined {
  return Object.hasOwn(config.principals, id) ? config.principals[id] : undefined;
}

/** Every secret a configuration names, by its key, as resolved paths. */
export function secretPathsOf(config: GerbangConfig): [string, string][] {
  return [
    ['server.keyFile', config.server.keyFile],
    ['upstream.passwordFile', config.upstream.passwordFile],
    ...Object.entries(config.upstreams ?? {}).map(([name, upstream]): [string, string] => [
      `upstreams.${name}.passwordFile`,
      upstream.passwordFile,
    ]),
    ['audit.hmacKeyFile', config.audit.hmacKeyFile],
    ...(config.audit.previousHmacKeyFiles ?? []).map((path, i): [string, string] => [
      `audit.previousHmacKeyFiles[${i}]`,
      path,
    ]),
    ['audit.signingKeyFile', config.audit.signingKeyFile],
    ...(config.returnData.auth.kind === 'bearer'
      ? [['returnData.auth.tokenFile', config.returnData.auth.tokenFile] as [string, string]]
      : []),
    ...(config.siem ? [['siem.keyFile', config.siem.keyFile] as [string, string]] : []),
    ...(config.reports
      ? [['reports.signingKeyFile', config.reports.signingKeyFile] as [string, string]]
      : []),
  ];
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
