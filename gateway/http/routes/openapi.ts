/**
 * GET /openapi.json — OpenAPI 3.1, generated from the route table and its JSON Schemas.
 *
 * What a generated client needs is in it: every schema with a `title` (gateway/http/schemas.ts)
 * is hoisted once into `components.schemas` and referenced with `$ref`, the error shape among
 * them; the one security scheme, `mutualTLS`, is required by every operation (no endpoint answers
 * without a client certificate from the gateway's CA, `/healthz` included); each operation has a
 * stable camelCase `operationId`; and the refusals the route pipeline can answer before the
 * handler (route-pipeline.ts) are declared beside the route's own, with the catalogue's codes.
 * `redocly lint` (recommended rules, `redocly.yaml`) and a client generated with
 * openapi-typescript run against the served document in openapi.test.ts.
 */
import { ERROR_CATALOGUE, type ErrorCode } from '../error-catalogue.ts';
import { ErrorResponse } from '../schemas.ts';
import type { RouteResponse, RouteSpec } from './route-spec.ts';

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** TypeBox schemas are JSON Schema with symbol-keyed metadata; JSON.stringify drops the symbols. */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema)) as unknown;

const COMPONENT_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const SCHEMA_REF = '#/components/schemas/';
const SECURITY = [{ mutualTLS: [] }];
const OPERATOR_PARAMETER = 'OperatorId';

/**
 * `GET /v1/admin/clients/:clientId/suspend` → `getAdminClientsByClientIdSuspend`: the method and
 * the path's words (without the version), a parameter as `By` and its name. Stable as long as
 * the route is, and unique because method and path are (buildOpenApiDocument checks it).
 */
export function operationIdOf(route: Pick<RouteSpec, 'method' | 'path'>): string {
  const words = route.path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1')
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[^A-Za-z0-9]+/),
    )
    .filter((word) => word !== '');
  return [route.method.toLowerCase(), ...words]
    .map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
}

/**
 * The refusals the pipeline answers before the handler, from what the route declares: any
 * request can lack a valid certificate or have a role the route does not grant (or come from
 * another site's page); a data path meets the clock guard, the client's admission and the audit
 * trail; a body, an operator header or a query can be malformed.
 */
export function pipelineErrorCodes(route: RouteSpec): ErrorCode[] {
  const codes: ErrorCode[] = ['unauthenticated', 'forbidden'];
  if (route.auditType) codes.push('clock_untrusted', 'client_suspended', 'rate_limited');
  if (route.requestBody || route.requiresOperator || route.query) codes.push('invalid_request');
  if (route.requestBody) codes.push('payload_too_large', 'unsupported_media_type');
  if (route.auditType) codes.push('audit_unavailable');
  return codes;
}

/** Replaces every titled schema inside `node` by a `$ref` to its one copy in `schemas`. */
function hoist(node: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => hoist(item, schemas));
  if (node === null || typeof node !== 'object') return node;
  const hoisted = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, hoist(value, schemas)]),
  );
  const title = hoisted['title'];
  if (typeof title !== 'string' || !COMPONENT_NAME.test(title)) return hoisted;
  const existing = schemas[title];
  if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(hoisted))
    throw new Error(`two different schemas are titled ${title}`);
  schemas[title] = hoisted;
  return { $ref: `${SCHEMA_REF}${title}` };
}

export function buildOpenApiDocument(routes: readonly RouteSpec[], version: string): object {
  const schemas: Record<string, unknown> = {};
  const schema = (typebox: unknown): unknown => hoist(plain(typebox), schemas);
  const errorSchema = schema(ErrorResponse);
  const operationIds = new Map<string, string>();
  const paths: Record<string, Record<string, object>> = {};

  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const operationId = operationIdOf(route);
    const clash = operationIds.get(operationId);
    if (clash !== undefined)
      throw new Error(`operationId ${operationId} of ${route.method} ${path} is also ${clash}'s`);
    operationIds.set(operationId, `${route.method} ${path}`);

    const parameters: object[] = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const querySchema = route.query as { properties?: Record<string, unknown> } | undefined;
    for (const [name, property] of Object.entries(querySchema?.properties ?? {}))
      parameters.push({ name, in: 'query', required: false, schema: schema(property) });
    if (route.requiresOperator)
      parameters.push({ $ref: `#/components/parameters/${OPERATOR_PARAMETER}` });

    const declared: Record<number, RouteResponse> = { ...route.responses };
    const responses: Record<string, { description: string; content?: object }> = {};
    for (const [status, response] of Object.entries(declared)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema || response.contentType
          ? {
              content: {
                [contentType]: response.schema ? { schema: schema(response.schema) } : {},
              },
            }
          : {}),
      };
    }
    for (const code of pipelineErrorCodes(route)) {
      const status = String(ERROR_CATALOGUE[code].status);
      const response = responses[status];
      if (response === undefined) {
        responses[status] = {
          description: code,
          content: { 'application/json': { schema: errorSchema } },
        };
      } else if (!new RegExp(`\\b${code}\\b`).test(response.description)) {
        response.description = `${response.description}, ${code}`;
      }
    }
    const sorted = Object.fromEntries(
      Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)),
    );

    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      security: SECURITY,
      'x-roles': route.roles,
      ...(route.auditType ? { 'x-audit-type': route.auditType } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(route.requestBody) } },
            },
          }
        : {}),
      responses: sorted,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gerbang',
      version,
      description:
        'Gateway between a regional revenue agency and the Dukcapil population registry. ' +
        'Mutual TLS is required on every endpoint: the client certificate, issued by the ' +
        "gateway's CA, names the principal, and its role decides which operations it may use " +
        '(`x-roles`). Errors have one shape (`ErrorResponse`), with a code from the catalogue.',
      license: {
        name: 'Proprietary (UNLICENSED): for the agency operating the gateway',
      },
    },
    servers: [{ url: '/', description: 'this gateway (mutual TLS)' }],
    security: SECURITY,
    paths,
    components: {
      schemas,
      parameters: {
        [OPERATOR_PARAMETER]: {
          name: 'X-Operator-Id',
          in: 'header',
          required: true,
          description:
            'The person at the client who makes the request; recorded in the audit trail. Never a NIK.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
        },
      },
      securitySchemes: {
        mutualTLS: {
          type: 'mutualTLS',
          description:
            "A client certificate issued by the gateway's CA: its CN is the principal id, mapped to a role in the configuration; a revoked, expired or unknown certificate is refused (401 unauthenticated, 403 forbidden).",
        },
      },
    },
  };
}

export function openApiRoute(getRoutes: () => readonly RouteSpec[], version: string): RouteSpec {
  let document: object | undefined;
  return {
    method: 'GET',
    path: '/openapi.json',
    roles: 'any',
    summary: 'This API, as OpenAPI 3.1',
    responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
    handler: (c) => c.json((document ??= buildOpenApiDocument(getRoutes(), version))),
  };
}
