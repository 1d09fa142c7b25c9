/**
 * The route table: each endpoint is declared once with its roles, schemas and whether it is a
 * data path. Registration, /openapi.json and the authorisation-matrix tests all read this table,
 * so an endpoint cannot exist without being described and tested.
 */
import type { Handler } from 'hono';
import type { TSchema } from '@sinclair/typebox';
import type { AuditEventType } from '../../../audit/index.ts';
import type { Role } from '../../config/index.ts';
import type { GatewayEnv } from '../env.ts';

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
  /** Query parameters, described for /openapi.json (validated by the handler). */
  readonly query?: TSchema;
  /** A JSON body is read under the body limit and must match this schema. */
  readonly requestBody?: TSchema;
  /** Data requests need X-Operator-Id. */
  readonly requiresOperator?: boolean;
  readonly responses: Readonly<Record<number, RouteResponse>>;
  readonly handler: Handler<GatewayEnv>;
}
