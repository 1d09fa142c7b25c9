/**
 * Operational logging with pino. Request and response bodies are never logged; the redact paths
 * are a second line of defence for anything that could carry a secret or population data.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'nik',
  '*.nik',
  'NIK',
  '*.NIK',
  'password',
  '*.password',
  'body',
  '*.body',
  'data',
  '*.data',
  'claims',
  '*.claims',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'record',
  '*.record',
  'npwpd',
  '*.npwpd',
  'query',
  '*.query',
  'url',
  '*.url',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'gerbang' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
