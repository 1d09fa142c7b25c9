/**
 * /openapi.json as its tools read it: the document the real application serves is linted by
 * Redocly CLI with the recommended rules (redocly.yaml), and a client generated from it with
 * openapi-typescript type-checks, strictly, against a snippet written from API.md.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/helpers/in-process-app.ts';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { buildOpenApiDocument, operationIdOf } from './openapi.ts';
import type { RouteSpec } from './route-spec.ts';

interface Operation {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  openapi: string;
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    securitySchemes: Record<string, { type: string }>;
  };
}

const dir = fileTempDir('gerbang-openapi-');
const documentFile = join(dir, 'openapi.json');
let document: Document;
let routes: readonly RouteSpec[];

beforeAll(async () => {
  const app = await buildTestApp();
  routes = app.routes;
  const answer = await app.request('app-kasir', '/openapi.json');
  expect(answer.status).toBe(200);
  document = (await answer.json()) as Document;
  writeFileSync(documentFile, JSON.stringify(document, null, 2));
});

const operations = (): [string, string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, Operation] => [
      method,
      path,
      operation,
    ]),
  );

describe('GET /openapi.json', () => {
  it('declares mutual TLS once and requires it on every operation: none answers without a certificate', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes).toEqual({
      mutualTLS: expect.objectContaining({ type: 'mutualTLS' }) as unknown,
    });
    expect(document.security).toEqual([{ mutualTLS: [] }]);
    for (const [method, path, operation] of operations())
      expect([method, path, operation.security]).toEqual([method, path, [{ mutualTLS: [] }]]);
  });

  it('gives every operation a unique camelCase operationId derived from its route', () => {
    const ids = operations().map(([, , operation]) => operation.operationId);
    expect(ids).toHaveLength(routes.length);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(get|post)[A-Z][A-Za-z0-9]*$/);
    expect(document.paths['/v1/nik/lookup']?.['post']?.operationId).toBe('postNikLookup');
    expect(operationIdOf({ method: 'POST', path: '/v1/admin/clients/:clientId/suspend' })).toBe(
      'postAdminClientsByClientIdSuspend',
    );
    const twice = routes.filter((route) => route.path === '/healthz');
    expect(() => buildOpenApiDocument([...twice, ...twice], '0')).toThrow(/operationId getHealthz/);
  });

  it('declares 401 and 403 on every operation, and each error with the one ErrorResponse schema', () => {
    for (const [method, path, operation] of operations()) {
      expect([method, path, Object.keys(operation.responses)]).toEqual([
        method,
        path,
        expect.arrayContaining(['401', '403']),
      ]);
      for (const [status, response] of Object.entries(operation.responses)) {
        // Readiness answers 503 with its checks, which is no error of the catalogue.
        if (path === '/readyz' && status === '503') continue;
        if (Number(status) < 400 || response.content?.['application/json'] === undefined) continue;
        expect([path, status, response.content['application/json'].schema]).toEqual([
          path,
          status,
          { $ref: '#/components/schemas/ErrorResponse' },
        ]);
      }
    }
    // The shape is written once: nowhere else does a schema spell out `error.code`.
    const text = JSON.stringify(document);
    expect(text.split('"enum":["invalid_request"').length - 1).toBe(1);
    expect(text.split('"title":"ErrorResponse"').length - 1).toBe(1);
    expect(document.components.schemas['ErrorResponse']).toMatchObject({
      properties: { error: { properties: { code: { $ref: '#/components/schemas/ErrorCode' } } } },
    });
  });

  it('declares what the pipeline and the handler can refuse: body, admission, quota, conflicts', () => {
    const lookup = Object.keys(document.paths['/v1/nik/lookup']?.['post']?.responses ?? {});
    expect(lookup).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '429', '503']);
    const challenge = document.paths['/v1/readers/{readerId}/challenge']?.['post'];
    expect(Object.keys(challenge?.responses ?? {})).toEqual(['200', '401', '403']);
  });

  it('has /console/ and /portal/ as the only paths with a trailing slash (the rule redocly.yaml turns off)', () => {
    expect(Object.keys(document.paths).filter((path) => path.endsWith('/'))).toEqual([
      '/console/',
      '/portal/',
    ]);
  });

  it('passes redocly lint with the recommended rules, without an error or a warning', async () => {
    const result = await promisify(execFile)(
      join(process.cwd(), 'node_modules/.bin/redocly'),
      ['lint', '--config', join(process.cwd(), 'redocly.yaml'), '--format=json', documentFile],
      {
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
      },
    ).catch((error: unknown) => {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`redocly lint exited ${failed.code}: ${failed.stdout}${failed.stderr}`);
    });
    const report = JSON.parse(result.stdout) as { totals: Record<string, number> };
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('generates a client with openapi-typescript that type-checks strictly against API.md', async () => {
    const ast = await openapiTS(document as never);
    writeFileSync(join(dir, 'api.d.ts'), astToString(ast));
    const client = join(dir, 'client.ts');
    writeFileSync(
      client,
      `import type { components, operations, paths } from './api';

type Lookup = paths['/v1/nik/lookup']['post'];
type LookupBody = Lookup['requestBody']['content']['application/json'];
type Problem = components['schemas']['ErrorResponse'];

export const body: LookupBody = {
  nik: '6474015709900001',
  purpose: 'pendaftaran-wp',
  reference: 'SURAT/2026/001',
  fields: ['nama_lengkap', 'alamat'],
};
export const operator: Lookup['parameters']['header']['X-Operator-Id'] = 'petugas.01';
// @ts-expect-error the contract has no threshold, nor any field beyond API.md's
export const withThreshold: LookupBody = { ...body, threshold: 90 };
// @ts-expect-error the reference is required
export const noReference: LookupBody = { nik: body.nik, purpose: body.purpose };
// @ts-expect-error fields are the nine elements
export const unknownField: LookupBody = { ...body, fields: ['agama'] };

export function read(
  answer: Lookup['responses'][200]['content']['application/json'],
): string | undefined {
  return answer.data.alamat?.kelurahan ?? answer.data.nama_lengkap;
}
export function explain(problem: Lookup['responses'][403]['content']['application/json']): string {
  const same: Problem = problem;
  const code: components['schemas']['ErrorCode'] = same.error.code;
  return code === 'purpose_not_allowed' ? 'purpose' : problem.error.message + problem.error.requestId;
}
// @ts-expect-error error codes are the catalogue's
export const notACode: Problem['error']['code'] = 'no_such_code';
export const tooMany: Lookup['responses'][429]['content']['application/json']['error']['code'] =
  'quota_exhausted';
export type Verify = operations['postNikVerify']['requestBody']['content']['application/json'];
export const verify: Verify = { ...body, claims: { nama_lengkap: 'Siti' } };
export const health: paths['/healthz']['get']['responses'][200]['content']['application/json'] = {
  status: 'ok',
};
`,
    );
    const program = ts.createProgram([client], {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
      lib: ['lib.es2022.d.ts'],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
