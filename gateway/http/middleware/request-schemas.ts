/**
 * The body and query checks of a route, installed by createApp from the schemas its entry
 * declares: compiled once when the application is built, they refuse a request that does not
 * match before its handler runs, and leave the accepted value, typed, in `c.var.body` or
 * `c.var.query`.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { compileSchemaValidator, type ErrorCodeForPath } from '../validate.ts';

/** The body the JSON reader parsed, checked against the route's schema. */
export function checkBody(
  schema: TSchema,
  codeForPath?: ErrorCodeForPath,
): MiddlewareHandler<GatewayEnv> {
  const validate = compileSchemaValidator(schema, codeForPath);
  return async function checkBodyMiddleware(c, next) {
    c.set('body', validate(c.get('body')));
    await next();
  };
}

/** The query parameters, checked against the route's schema. */
export function checkQuery(
  schema: TSchema,
  codeForPath?: ErrorCodeForPath,
  refuseRepeated = false,
): MiddlewareHandler<GatewayEnv> {
  const validate = compileSchemaValidator(schema, codeForPath);
  return async function checkQueryMiddleware(c, next) {
    c.set('query', validate(queryParameters(c, refuseRepeated)));
    await next();
  };
}

/**
 * The query as an object of strings: a repeated parameter is refused, or (where the route does
 * not ask for that) counts with its last value.
 */
export function queryParameters(
  c: Context<GatewayEnv>,
  refuseRepeated: boolean,
): Record<string, string> {
  const parameters = new URL(c.req.url).searchParams;
  if (!refuseRepeated) return Object.fromEntries(parameters);
  const result: Record<string, string> = {};
  for (const key of new Set(parameters.keys())) {
    const values = parameters.getAll(key);
    if (values.length > 1)
      throw new ApiError('invalid_request', { message: 'A query parameter is repeated.' });
    result[key] = values[0] ?? '';
  }
  return result;
}
