/**
 * Opens the instance's audit store, for the gateway and for CLI commands alike: the signing key
 * and certificate from the configuration (the certificate must be an audit signing certificate
 * from the trusted CA), the database in the data directory, created with mode 0600.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createCheckpointSigner } from '../../audit/index.ts';
import { SqliteAuditStore } from '../../audit/store/index.ts';
import { isIssuedBy, isSigningCertificateFor } from '../../certs/index.ts';
import { readSecretBytes, type GerbangConfig } from '../config/index.ts';

export function auditDatabasePath(config: GerbangConfig, dataDir: string): string {
  return config.audit.databaseFile ?? join(dataDir, 'audit.db');
}

/** The CA against which audit signatures are verified. */
export function auditTrustAnchorPem(config: GerbangConfig): string {
  return readFileSync(config.server.clientCaFile, 'utf8');
}

export function openAuditStore(
  config: GerbangConfig,
  dataDir: string,
  options: { now?: () => number; onAlert?: (event: string, detail: string) => void } = {},
): SqliteAuditStore {
  const certificatePem = readFileSync(config.audit.signingCertFile, 'utf8');
  const certificate = new X509Certificate(certificatePem);
  const ca = new X509Certificate(auditTrustAnchorPem(config));
  if (!isIssuedBy(certificate, ca)) {
    throw new Error(
      `the audit signing certificate ${config.audit.signingCertFile} was not issued by ${config.server.clientCaFile}`,
    );
  }
  if (!isSigningCertificateFor(certificate, 'audit')) {
    throw new Error(
      `${config.audit.signingCertFile} is not an audit signing certificate (extended key usage Gerbang audit signing, docs/pki.md)`,
    );
  }
  const signer = createCheckpointSigner(
    readSecretBytes(config.audit.signingKeyFile),
    certificatePem,
  );
  const path = auditDatabasePath(config, dataDir);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return new SqliteAuditStore({
    path,
    instance: config.instance.name,
    signer,
    previousCertificatesPem: (config.audit.previousSigningCertFiles ?? []).map((path) =>
      readFileSync(path, 'utf8'),
    ),
    checkpointEvery: config.audit.checkpointEvery,
    checkpointIntervalMs: config.audit.checkpointIntervalSeconds * 1000,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onAlert ? { onAlert: options.onAlert } : {}),
  });
}
