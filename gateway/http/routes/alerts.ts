/** GET /v1/alerts (officer): anomaly and agreement alerts, newest last, from the audit trail. */
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';

const AlertsQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,3}$' })),
  },
  { additionalProperties: false },
);

export function alertsRoute(deps: AppDeps): RouteSpec {
  return defineRoute({
    method: 'GET',
    path: '/v1/alerts',
    roles: ['officer'],
    summary: 'Alerts raised by the anomaly rules and the agreement monitor',
    query: AlertsQuery,
    responses: { 200: { description: '{items, next}' } },
    handler: (c) => {
      const query = c.var.query;
      const limit = query.limit === undefined ? 100 : Number(query.limit);
      if (limit < 1 || limit > 500)
        throw new ApiError('invalid_request', { message: 'limit must be 1-500.' });
      const page = deps.auditLog.query({
        type: 'security',
        event: 'alert',
        limit,
        ...(query.after === undefined ? {} : { after: Number(query.after) }),
      });
      return c.json({
        items: page.items.map((record) => ({
          seq: record.seq,
          time: record.time,
          rule: record.detail?.['rule'],
          operator: record.operator,
          detail: record.detail,
        })),
        next: page.next,
      });
    },
  });
}
