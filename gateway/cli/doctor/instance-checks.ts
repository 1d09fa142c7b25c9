/**
 * The doctor's checks of the instance's own files: the configuration (through the gateway's own
 * loader), the modes of the secret files and of the data directory, and the free disk space where
 * the audit trail grows.
 */
import { existsSync, statSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkSecretFile,
  loadConfig,
  secretPathsOf,
  type GerbangConfig,
} from '../../config/index.ts';
import { missingDataDirectory, result, type CheckResult, type DoctorContext } from './context.ts';

/** The configuration, through the same loader the gateway uses. */
export function checkConfiguration(context: DoctorContext): {
  result: CheckResult;
  config?: GerbangConfig;
} {
  // A missing directory or file is named as such, not as the loader's "cannot be read (ENOENT)".
  if (!existsSync(context.configPath))
    return {
      result: result(
        'configuration',
        'fail',
        existsSync(dirname(context.configPath))
          ? `the configuration file ${context.configPath} does not exist: set GERBANG_CONFIG (or GERBANG_DATA_DIR) to the instance's`
          : (missingDataDirectory(context) ??
              `the directory of the configuration file ${context.configPath} does not exist: set GERBANG_CONFIG (or GERBANG_DATA_DIR) to the instance's`),
      ),
    };
  try {
    // Secret files get their own check (key file modes), so that one bad mode hides nothing.
    const config = loadConfig(context.configPath, { checkSecrets: false });
    return {
      config,
      result: result(
        'configuration',
        'ok',
        `${context.configPath} is valid: ${Object.keys(config.principals).length} principals, ${config.agreements.length} agreement(s)`,
      ),
    };
  } catch (error) {
    return { result: result('configuration', 'fail', (error as Error).message) };
  }
}

/** Secrets readable by their owner only; the state directory closed to others. */
export function checkKeyFileModes(config: GerbangConfig, context: DoctorContext): CheckResult {
  const problems: string[] = [];
  for (const [key, path] of secretPathsOf(config)) {
    try {
      checkSecretFile(path);
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
    }
  }
  const missing = missingDataDirectory(context);
  const dataMode = missing === undefined ? statSync(context.dataDir).mode & 0o777 : 0;
  if (missing !== undefined) problems.push(missing);
  else if ((dataMode & 0o007) !== 0)
    problems.push(
      `the data directory ${context.dataDir} is open to others (mode ${dataMode.toString(8)}); run: chmod 700 ${context.dataDir}`,
    );
  return problems.length > 0
    ? result('key file modes', 'fail', problems.join('; '))
    : result(
        'key file modes',
        'ok',
        `${secretPathsOf(config).length} secret files readable by their owner only`,
      );
}

/** Free space where the audit trail grows. */
export function checkDiskSpace(context: DoctorContext): CheckResult {
  const stats = statfsSync(context.dataDir);
  const free = stats.bavail * stats.bsize;
  const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  const detail = `${gib(free)} free in ${context.dataDir}`;
  if (free < context.thresholds.diskFailBytes)
    return result(
      'disk space',
      'fail',
      `${detail}: below ${gib(context.thresholds.diskFailBytes)}, audit writes will soon fail and data requests with them`,
    );
  if (free < context.thresholds.diskWarnBytes)
    return result(
      'disk space',
      'warn',
      `${detail}: below ${gib(context.thresholds.diskWarnBytes)}`,
    );
  return result('disk space', 'ok', detail);
}
