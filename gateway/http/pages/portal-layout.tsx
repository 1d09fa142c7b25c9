/**
 * The clerk portal's frame (`/portal/`): the consoles' stylesheet and habits — no script, a skip
 * link, landmarks, Indonesian first and English second — with the clerk and the client they act
 * for in the header. A portal page is never cached (the API's no-store applies) and carries no
 * NIK in its address: every form is a POST.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { GatewayEnv } from '../env.ts';
import { renderDocument } from './components.tsx';
import { htmlPolicy } from './html-page.ts';
import { CONSOLE_STYLE, PageShell } from './layout.tsx';

export const PORTAL_STYLE = `${CONSOLE_STYLE}
fieldset { border: 1px solid #bbb; background: #fff; padding: .6rem .8rem; margin: 0; }
legend { font-weight: bold; }
form.stack { flex-direction: column; align-items: stretch; max-width: 46rem; }
.row { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; }
.hint { font-size: .85rem; color: #444; }
dl.data { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; border: 1px solid #bbb; padding: .8rem; }
dl.data dt { font-weight: bold; } dl.data dd { margin: 0; }
.notice { border: 2px solid #0a5c0a; background: #f0fff0; padding: .5rem 1rem; }
button .en { color: #cde; }`;

const PORTAL_POLICY = htmlPolicy(PORTAL_STYLE);

export function PortalLayout(props: {
  title: string;
  operator: string;
  client: string;
  instance: string;
  children?: Child;
}) {
  return (
    <PageShell
      title={props.title}
      style={PORTAL_STYLE}
      instance={props.instance}
      nav={
        <nav aria-label="Portal">
          <ul>
            <li>
              <a href="/portal/">
                Loket <span class="en">/ Counter</span>
              </a>
            </li>
          </ul>
        </nav>
      }
      who={
        <>
          {props.operator} <span class="en">(petugas / operator · {props.client})</span>
        </>
      }
    >
      {props.children}
    </PageShell>
  );
}

/** A portal page as the browser gets it, under the portal's content policy. */
export function portalDocument(
  c: Context<GatewayEnv>,
  page: { title: string; instance: string; status?: number },
  body: Child,
): Response {
  const principal = c.var.principal;
  return c.html(
    renderDocument(
      <PortalLayout
        title={page.title}
        operator={principal.operator ?? principal.id}
        client={principal.id}
        instance={page.instance}
      >
        {body}
      </PortalLayout>,
    ),
    (page.status ?? 200) as 200,
    { 'Content-Security-Policy': PORTAL_POLICY },
  );
}
