/**
 * The route table: each endpoint is declared once with its roles, schemas and whether it is a
 * data path. Registration, /openapi.json and the authorisation-matrix tests all read this table,
 * so an endpoint cannot exist without being described and tested. What an entry declares is what
 * `createApp` enforces before its handler runs (gateway/http/route-pipeline.ts): a handler reads
 * the checked body, query and operator from `c.var`, typed by its `defineRoute` declaration.
 */
import type { Context, Handler, MiddlewareHandler } from 'hono';
import type { Static, TSchema } from '@sinclair/typebox';
import type { AuditEventType } from '../../../audit/index.ts';
import type { Role } from '../../config/index.ts';
import type { GatewayEnv } from '../env.ts';
import type { ErrorCodeForPath } from '../validate.ts';

export interface RouteResponse {
  readonly description: string;
  readonly schema?: TSchema;
  readonly contentType?: string;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** Hono path syntax (`/v1/readers/:readerId/challenge`). */
  readonly path: string;
  readonly roles: readonly Role[] | 'any';
  readonly summary: string;
  /** A data path: audited whatever its outcome. */
  readonly auditType?: AuditEventType;
  /** The event of a data path's record, named once its body is read (return data: `submitted`). */
  readonly auditEvent?: string;
  /** Query parameters: described for /openapi.json, checked before the handler (`c.var.query`). */
  readonly query?: TSchema;
  /** A query parameter given twice is refused, rather than its last value counting. */
  readonly refuseRepeatedQuery?: boolean;
  /** A JSON body is read under the body limit and must match this schema (`c.var.body`). */
  readonly requestBody?: TSchema;
  /**
   * A page's form, read by the route's guards into `c.var.body` (no JSON reader), then checked
   * against this schema after them, as a JSON body would be: the portal's forms meet the API's
   * checks.
   */
  readonly formBody?: TSchema;
  /** The catalogue code a schema error at a path answers, where it is not `invalid_request`. */
  readonly schemaErrorCodes?: ErrorCodeForPath;
  /** Data requests need X-Operator-Id (`c.var.operatorId`); checked before the body's schema. */
  readonly requiresOperator?: boolean;
  /**
   * The route's own checks of its path and principal, which answer after the operator check and
   * before the body's schema (a reader that is not active is told so whatever it sent).
   */
  readonly guards?: readonly MiddlewareHandler<GatewayEnv>[];
  readonly responses: Readonly<Record<number, RouteResponse>>;
  readonly handler: Handler<GatewayEnv>;
}

/** What a schema accepts; `undefined` where the route declares none. */
type Checked<S> = S extends TSchema ? Static<S> : undefined;

/**
 * The context a handler sees: the gateway's, with the body, query and operator of its route typed
 * as the route declares them (createApp has checked them by then).
 */
export type RouteContext<
  Body = undefined,
  Query = undefined,
  Operator = undefined,
> = Context<GatewayEnv> & {
  readonly var: Readonly<{ body: Body; query: Query; operatorId: Operator }>;
};

export interface RouteDefinition<
  B extends TSchema | undefined,
  Q extends TSchema | undefined,
  O extends boolean | undefined,
> extends Omit<RouteSpec, 'requestBody' | 'formBody' | 'query' | 'requiresOperator' | 'handler'> {
  readonly requestBody?: B;
  readonly formBody?: B;
  readonly query?: Q;
  readonly requiresOperator?: O;
  readonly handler: (
    c: RouteContext<Checked<B>, Checked<Q>, O extends true ? string : undefined>,
  ) => Response | Promise<Response>;
}

/** A route of the table whose handler reads its checked body, query and operator typed. */
export function defineRoute<
  B extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  O extends boolean | undefined = undefined,
>(definition: RouteDefinition<B, Q, O>): RouteSpec {
  // The one widening of a handler's view: sound because createApp installs, from these very
  // fields, the checks that make the typed `c.var` true before the handler runs.
  return definition as unknown as RouteSpec;
}
