/**
 * What every check of `gerbang doctor` is given (the instance's paths, the time, the thresholds)
 * and what it gives back (a verdict and one line saying why), shared by the check modules.
 */
import { existsSync } from 'node:fs';
import type { EndpointOverrides } from '../../config/endpoints.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface DoctorThresholds {
  /** Certificates expiring sooner than this are a warning. */
  readonly certificateWarningDays: number;
  /** Free space in the data directory below these is a failure / a warning. */
  readonly diskFailBytes: number;
  readonly diskWarnBytes: number;
  readonly connectTimeoutMs: number;
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = {
  certificateWarningDays: 30,
  diskFailBytes: 512 * 1024 ** 2,
  diskWarnBytes: 2 * 1024 ** 3,
  connectTimeoutMs: 3000,
};

export interface DoctorContext {
  readonly configPath: string;
  readonly dataDir: string;
  readonly now: number;
  readonly thresholds: DoctorThresholds;
  /** GERBANG_HOST, GERBANG_PORT, GERBANG_SIM_PORT as the command was given them. */
  readonly overrides?: EndpointOverrides;
}

export const DAY_MS = 86_400_000;

export const result = (check: string, status: CheckStatus, detail: string): CheckResult => ({
  check,
  status,
  detail,
});

/** Why the data directory cannot be checked, or undefined when it exists. */
export function missingDataDirectory(context: DoctorContext): string | undefined {
  return existsSync(context.dataDir)
    ? undefined
    : `the data directory ${context.dataDir} does not exist: set GERBANG_DATA_DIR to the instance's directory, or create the instance (gerbang demo; for production docs/operations.md, "Installing on a host")`;
}
