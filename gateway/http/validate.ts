/**
 * Schema validation of request bodies and query parameters, mapped to catalogue codes with
 * messages we write ourselves: a field path from our own schema and a fixed phrase.
 * Client-supplied keys and values are never echoed (an unknown key could itself carry data).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { TSchema, Static } from '@sinclair/typebox';
import { createAjv } from '../config/ajv.ts';
import { ApiError, type ErrorCode } from './error-catalogue.ts';

const ajv = createAjv({ useDefaults: false });

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

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'The request body' : `Field ${error.instancePath}`;
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
    throw new ApiError(code, {
      detail: `${first.instancePath || '/'} ${first.keyword}`,
      message: code === 'invalid_request' ? describe(first) : undefined,
    });
  };
}
