/**
 * Deny by default: only the roles a route lists pass its role guard (403 forbidden otherwise,
 * before the handler runs); 'any' lets every authenticated principal through, and an empty list
 * is a wiring error refused when the app is built.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TEST_CERT_HEADER, headerConnection } from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, DEMO_PRINCIPALS, demoConfig } from '../../config/demo.ts';
import type { Role } from '../../config/index.ts';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';
import { requireRole } from './require-role.ts';

const connection = headerConnection();

function testApp(roles: readonly Role[] | 'any') {
  const app = new Hono<GatewayEnv>();
  const handled: string[] = [];
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(
    principal({
      principals: demoConfig(0, 0, DEMO_AGREEMENT.signedOn).principals,
      connection,
      revocation: { status: () => Promise.resolve('good'), healthy: () => true },
    }),
  );
  app.get('/guarded', requireRole(roles), (c) => {
    handled.push(c.var.principal.id);
    return c.json({ ok: true });
  });
  app.onError(handleError);
  const as = (cn: string) => app.request('/guarded', { headers: { [TEST_CERT_HEADER]: cn } });
  return { as, handled };
}

const codeOf = async (response: Response) => [
  response.status,
  ((await response.json()) as { error?: { code: string } }).error?.code ?? 'ok',
];

describe('requireRole', () => {
  it('lets exactly the listed roles through and refuses every other with 403 forbidden', async () => {
    const app = testApp(['officer', 'evaluator']);
    const answers: Record<string, unknown[]> = {};
    for (const { id } of DEMO_PRINCIPALS) answers[id] = await codeOf(await app.as(id));
    expect(answers).toEqual({
      'app-pendaftaran': [403, 'forbidden'],
      'app-kasir': [403, 'forbidden'],
      'officer-1': [200, 'ok'],
      'evaluator-1': [200, 'ok'],
      'admin-1': [403, 'forbidden'],
      'reader-01': [403, 'forbidden'],
    });
    expect(app.handled).toEqual(['officer-1', 'evaluator-1']);
  });

  it("lets every role through on 'any'", async () => {
    const app = testApp('any');
    for (const { id } of DEMO_PRINCIPALS)
      expect(await codeOf(await app.as(id))).toEqual([200, 'ok']);
    expect(app.handled).toEqual(DEMO_PRINCIPALS.map(({ id }) => id));
  });

  it('refuses an empty role list when the app is built', () => {
    expect(() => requireRole([])).toThrow(RangeError);
  });
});
