/**
 * The one hardened Ajv setup: strict schemas, no type coercion, own properties only. Schemas are
 * compiled once at start-up. Validator output is for logs; clients get catalogue codes.
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';

const HARDENED: Options = {
  strict: true,
  allErrors: false,
  coerceTypes: false,
  useDefaults: true,
  ownProperties: true,
  removeAdditional: false,
  allowUnionTypes: true,
  messages: true,
};

export function createAjv(overrides: Options = {}): Ajv {
  return new Ajv({ ...HARDENED, ...overrides });
}

/**
 * `"/path/to/field must be …"` lines, for operators (never for clients). An unknown key is named
 * unless `nameUnknownKeys` is false: for text that did not come from an operator (a row of
 * state.db), whose keys could be anything, a NIK included.
 */
export function describeAjvErrors(
  errors: readonly ErrorObject[] | null | undefined,
  nameUnknownKeys = true,
): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath === '' ? '(root)' : error.instancePath;
    const extra =
      nameUnknownKeys && error.keyword === 'additionalProperties'
        ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
        : '';
    return `${where} ${error.message ?? 'is invalid'}${extra}`;
  });
}
