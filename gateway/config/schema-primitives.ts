/**
 * The configuration schema's building blocks, shared by its parts (schema.ts, agreement-schema.ts,
 * upstream-schema.ts): paths and secret paths, elements, durations, dates and the identifier
 * patterns the rest of the gateway also checks against.
 */
import { Type } from '@sinclair/typebox';
import { ELEMENTS, type ElementName } from '../../policies/index.ts';

/** The two methods of the Dukcapil web service the gateway calls (DOMAIN.md). */
export const UPSTREAM_METHODS = ['CALL_NIK', 'CALL_VERIFY_BY_ELEMEN'] as const;

export const Path = Type.String({
  minLength: 1,
  maxLength: 4096,
  description: 'a file path, relative to this file',
});
export const SecretPath = Type.String({
  minLength: 1,
  maxLength: 4096,
  description:
    'a file readable by the owner only (mode 0600), or credential:NAME for a systemd credential',
});
export const Element = Type.Unsafe<ElementName>({ type: 'string', enum: [...ELEMENTS] });
export const Milliseconds = (fallback: number, maximum = 600_000) =>
  Type.Integer({ minimum: 1, maximum, default: fallback });
export const IsoDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'YYYY-MM-DD',
});
export const PRINCIPAL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** An upstream's name in `upstreams` and in an agreement's `upstream`: one safe identifier. */
export const UPSTREAM_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const PURPOSE_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
/** The IKD profile the gateway knows (adapters/ikd), and its issuer key ids. */
export const IKD_PROFILE = 'gerbang-ikd-1';
export const IKD_KEY_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
