/** GET /openapi.json — OpenAPI 3.1, generated from the route table and its JSON Schemas. */
import type { RouteSpec } from './route-spec.ts';

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** TypeBox schemas are JSON Schema with symbol-keyed metadata; JSON.stringify drops the symbols. */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema)) as unknown;

export function buildOpenApiDocument(routes: readonly RouteSpec[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const parameters = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const querySchema = route.query as { properties?: Record<string, unknown> } | undefined;
    for (const [name, schema] of Object.entries(querySchema?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: false, schema: plain(schema) } as never);
    }
    if (route.requiresOperator) {
      parameters.push({
        name: 'X-Operator-Id',
        in: 'header',
        required: true,
        schema: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
      } as never);
    }
    const responses: Record<string, object> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema || response.contentType
          ? {
              content: {
                [response.contentType ?? 'application/json']: response.schema
                  ? { schema: plain(response.schema) }
                  : {},
              },
            }
          : {}),
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      'x-roles': route.roles,
      ...(route.auditType ? { 'x-audit-type': route.auditType } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: plain(route.requestBody) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gerbang',
      version,
      description:
        'Gateway between a regional revenue agency and the Dukcapil population registry. Mutual TLS is required.',
    },
    servers: [{ url: '/' }],
    paths,
  };
}

export function openApiRoute(getRoutes: () => readonly RouteSpec[], version: string): RouteSpec {
  let document: object | undefined;
  return {
    method: 'GET',
    path: '/openapi.json',
    roles: 'any',
    summary: 'This API, as OpenAPI 3.1',
    responses: { 200: { description: 'OpenAPI document' } },
    handler: (c) => c.json((document ??= buildOpenApiDocument(getRoutes(), version))),
  };
}
