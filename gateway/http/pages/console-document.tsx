/**
 * A console page as the browser gets it: the page's body in the console layout (navigation by
 * role, the principal, the instance), rendered and answered as HTML under the console's content
 * policy (no script, no external asset).
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { GatewayEnv } from '../env.ts';
import { renderDocument } from './components.tsx';
import { htmlPage, htmlPolicy } from './html-page.ts';
import { CONSOLE_STYLE, Layout, type ConsolePage } from './layout.tsx';

const CONSOLE_POLICY = htmlPolicy(CONSOLE_STYLE);

export function consoleDocument(
  c: Context<GatewayEnv>,
  page: { which: ConsolePage; title: string; instance: string; status?: ContentfulStatusCode },
  body: Child,
): Response {
  return htmlPage(
    c,
    renderDocument(
      <Layout
        page={page.which}
        title={page.title}
        principal={{ id: c.var.principal.id, role: c.var.principal.role }}
        instance={page.instance}
      >
        {body}
      </Layout>,
    ),
    CONSOLE_POLICY,
    page.status ?? 200,
  );
}
