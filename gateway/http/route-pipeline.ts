/**
 * What runs before each handler, installed from the route's entry in the table, in the order its
 * checks answer: the role guard; on a data path the audit draft, the clock guard and the client's
 * admission; the JSON body reader; the audit event's name; the operator; the route's own guards;
 * then the body and the query against their schemas. A request that fails one check meets none
 * of the later ones, and the handler runs only when all passed.
 */
import type { MiddlewareHandler } from 'hono';
import type { AuditTrail } from '../../audit/index.ts';
import type { GatewayEnv } from './env.ts';
import { auditDataPath, nameAuditEvent } from './middleware/audit-data-path.ts';
import { requireOperator, type RequireOperatorOptions } from './middleware/operator.ts';
import { requireRole } from './middleware/require-role.ts';
import { checkBody, checkQuery } from './middleware/request-schemas.ts';
import type { ConnectionInfo } from './peer.ts';
import type { RouteSpec } from './routes/route-spec.ts';

/** The middleware every route shares, built once by createApp. */
export interface SharedMiddleware {
  readonly trail: AuditTrail;
  readonly connection: ConnectionInfo;
  readonly guardClock: MiddlewareHandler<GatewayEnv>;
  readonly admitClient: MiddlewareHandler<GatewayEnv>;
  readonly readBody: MiddlewareHandler<GatewayEnv>;
  readonly operators: RequireOperatorOptions;
}

export function routePipeline(
  route: RouteSpec,
  shared: SharedMiddleware,
): MiddlewareHandler<GatewayEnv>[] {
  const chain: MiddlewareHandler<GatewayEnv>[] = [requireRole(route.roles)];
  if (route.auditType) {
    chain.push(
      auditDataPath({
        type: route.auditType,
        trail: shared.trail,
        connection: shared.connection,
      }),
      shared.guardClock,
      shared.admitClient,
    );
  }
  if (route.requestBody) chain.push(shared.readBody);
  if (route.auditEvent !== undefined) chain.push(nameAuditEvent(route.auditEvent));
  if (route.requiresOperator) chain.push(requireOperator(shared.operators));
  chain.push(...(route.guards ?? []));
  if (route.requestBody) chain.push(checkBody(route.requestBody, route.schemaErrorCodes));
  if (route.formBody) chain.push(checkBody(route.formBody, route.schemaErrorCodes));
  if (route.query)
    chain.push(checkQuery(route.query, route.schemaErrorCodes, route.refuseRepeatedQuery));
  return chain;
}
