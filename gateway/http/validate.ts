/**
 * Schema validation of request bodies and query parameters, mapped to catalogue codes with
 * messages we write ourselves: a field path from our own schema and a fixed phrase.
 * Client-supplied keys and values are never echoed (an unknown key could itself carry data).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { TSchema, Static } from '@sinclair/typebox';
import {
  checkStoredText,
  STORED_TEXT_MESSAGES,
  type StoredTextKind,
} from '../../policies/index.ts';
import { createAjv } from '../config/ajv.ts';
import { ApiError, type ErrorCode } from './error-catalogue.ts';
import { STORED_TEXT_FORMATS } from './schemas.ts';

const ajv = createAjv({ useDefaults: false });
// The stored-text guard, for every field that declares its format (schemas.ts).
const KIND_OF_FORMAT = new Map<string, StoredTextKind>();
for (const [kind, format] of Object.entries(STORED_TEXT_FORMATS) as [StoredTextKind, string][]) {
  KIND_OF_FORMAT.set(format, kind);
  ajv.addFormat(format, {
    type: 'string',
    validate: (text: string) => checkStoredText(text, kind) === undefined,
  });
}

const PHRASES: Readonly<Record<string, string>> = {
  type: 'has the wrong type',
  required: 'is missing a required field',
  additionalProperties: 'has a field that is not allowed',
  enum: 'has a value that is not allowed',
  const: 'has a value that is not allowed',
  pattern: 'has the wrong form',
  minLength: 'is too short',
  maxLength: 'is too long',
  minItems: 'has too few items',
  maxItems: 'has too many items',
  uniqueItems: 'has duplicate items',
  minimum: 'is too small',
  maximum: 'is too large',
};

export interface SchemaValidator<T> {
  (value: unknown): T;
}

/** Per-field overrides: which catalogue code an error at a path maps to. */
export type ErrorCodeForPath = (instancePath: string, keyword: string) => ErrorCode | undefined;

/** The value at a JSON pointer of the validated value (an Ajv instancePath). */
function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    value =
      typeof value === 'object' && value !== null && Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

/** Why the stored-text guard refused the field an error points at, if that is the error. */
function storedTextRefusal(error: ErrorObject, root: unknown) {
  if (error.keyword !== 'format') return undefined;
  const kind = KIND_OF_FORMAT.get(String((error.params as { format?: unknown }).format));
  const value = valueAt(root, error.instancePath);
  return kind === undefined || typeof value !== 'string' ? undefined : checkStoredText(value, kind);
}

function describe(error: ErrorObject, root: unknown): string {
  const where = error.instancePath === '' ? 'The request body' : `Field ${error.instancePath}`;
  const refusal = storedTextRefusal(error, root);
  if (refusal !== undefined) return `${where} ${STORED_TEXT_MESSAGES[refusal]}.`;
  let phrase = PHRASES[error.keyword] ?? 'is invalid';
  if (error.keyword === 'required')
    phrase = `is missing the required field "${String((error.params as { missingProperty?: unknown }).missingProperty)}"`;
  return `${where} ${phrase}.`;
}

/** Compiles a schema once; the returned function throws ApiError or returns the typed value. */
export function compileSchemaValidator<S extends TSchema>(
  schema: S,
  codeForPath: ErrorCodeForPath = () => undefined,
): SchemaValidator<Static<S>> {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return value;
    const [first] = validate.errors ?? [];
    if (first === undefined) throw new ApiError('invalid_request');
    const code = codeForPath(first.instancePath, first.keyword) ?? 'invalid_request';
    const refusal = storedTextRefusal(first, value);
    throw new ApiError(code, {
      detail: `${first.instancePath || '/'} ${refusal ?? first.keyword}`,
      message: code === 'invalid_request' ? describe(first, value) : undefined,
    });
  };
}
