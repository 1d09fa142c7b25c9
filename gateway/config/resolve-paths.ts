/**
 * The files a configuration names: every path resolved against the file's directory (a secret
 * may instead be `credential:NAME`, systemd's credentials), and the list of secrets whose
 * permissions loading checks. Apart from loading (load.ts) because it is the one place that
 * knows which fields are files and which of them are secrets.
 */
import { resolve } from 'node:path';
import type { GerbangConfig } from './schema.ts';
import { resolveSecretPath } from './secrets.ts';

/** Resolves every path in the configuration against `baseDir`; secrets may be credential:NAME. */
export function resolvePaths(config: GerbangConfig, baseDir: string): GerbangConfig {
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
