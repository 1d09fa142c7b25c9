/**
 * The consoles' frame: one stylesheet (allowed by hash, see html-page.ts), no script, a skip link,
 * landmarks, and a navigation that shows only the pages the signed-in role may open. Labels are
 * Indonesian with English, as in the reports.
 */
import type { Child } from 'hono/jsx';
import type { Role } from '../../config/index.ts';
import { Label } from './components.tsx';

export const CONSOLE_STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; color: #111; margin: 0; background: #fafafa; }
header { background: #123; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; } header strong { font-size: 1.1rem; }
nav ul { list-style: none; display: flex; gap: 1.2rem; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: bold; text-decoration: underline 3px; }
main { padding: 1rem 1.2rem 3rem; max-width: 72rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .5rem 0; }
th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #e8e8e8; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
form { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; background: #fff; border: 1px solid #bbb; padding: .8rem; }
label { display: flex; flex-direction: column; font-size: .9rem; }
input, select, button { font: inherit; padding: .3rem; }
button { background: #123; color: #fff; border: 0; padding: .4rem 1rem; cursor: pointer; }
button:focus, a:focus, input:focus, select:focus { outline: 3px solid #e90; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; color: #000; padding: .5rem; }
.en { color: #555; font-size: .9em; } header .en { color: #cde; }
.ok { color: #0a5c0a; font-weight: bold; } .bad { color: #a30000; font-weight: bold; } .warn { color: #8a5300; font-weight: bold; }
.error { border: 2px solid #a30000; background: #fff0f0; padding: .5rem 1rem; }
.actions form { margin: .8rem 0; } .actions h3 { flex-basis: 100%; margin: 0; font-size: 1rem; }
fieldset { border: 1px solid #bbb; display: flex; flex-wrap: wrap; gap: .2rem .8rem; } label.inline { flex-direction: row; gap: .3rem; }
ul.plain { margin: 0; padding-left: 1rem; } td.wrap { overflow-wrap: anywhere; min-width: 14rem; }
pre, code { word-break: break-all; white-space: pre-wrap; font-size: .85rem; }`;

export type ConsolePage = 'home' | 'officer' | 'evaluator' | 'admin';

/** Which pages each role may open; the route table uses the same map for its role guards. */
export const CONSOLE_ROLES: Readonly<Record<ConsolePage, readonly Role[]>> = {
  home: ['officer', 'evaluator', 'admin'],
  officer: ['officer'],
  evaluator: ['evaluator', 'officer'],
  admin: ['admin'],
};

const PAGES: readonly { page: ConsolePage; href: string; id: string; en: string }[] = [
  { page: 'home', href: '/console/', id: 'Beranda', en: 'Home' },
  { page: 'officer', href: '/console/officer', id: 'Jejak audit', en: 'Audit trail' },
  { page: 'evaluator', href: '/console/evaluator', id: 'Laporan', en: 'Reports' },
  { page: 'admin', href: '/console/admin', id: 'Administrasi', en: 'Administration' },
];

export function pagesFor(role: Role): typeof PAGES {
  return PAGES.filter((entry) => CONSOLE_ROLES[entry.page].includes(role));
}

/**
 * The frame every page shares (consoles and portal): the head with the page's one stylesheet,
 * whose exact bytes the CSP allows by hash; a skip link; the header with the instance, the
 * page's navigation and who is signed in; the main landmark with the page's one h1.
 */
export function PageShell(props: {
  title: string;
  style: string;
  instance: string;
  nav: Child;
  who: Child;
  children?: Child;
}) {
  return (
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — Gerbang`}</title>
        {/* Raw: the stylesheet is a constant, and its exact bytes are what the CSP hash allows. */}
        <style dangerouslySetInnerHTML={{ __html: props.style }} />
      </head>
      <body>
        <a class="skip" href="#main">
          Lewati ke isi / Skip to content
        </a>
        <header>
          <strong>Gerbang · {props.instance}</strong>
          {props.nav}
          <span>{props.who}</span>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function Layout(props: {
  page: ConsolePage;
  title: string;
  principal: { id: string; role: Role };
  instance: string;
  children?: Child;
}) {
  return (
    <PageShell
      title={props.title}
      style={CONSOLE_STYLE}
      instance={props.instance}
      nav={
        <nav aria-label="Konsol">
          <ul>
            {pagesFor(props.principal.role).map((entry) => (
              <li>
                <a
                  href={entry.href}
                  {...(entry.page === props.page ? { 'aria-current': 'page' } : {})}
                >
                  <Label id={entry.id} en={entry.en} />
                </a>
              </li>
            ))}
          </ul>
        </nav>
      }
      who={
        <>
          {props.principal.id} <span class="en">({props.principal.role})</span>
        </>
      }
    >
      {props.children}
    </PageShell>
  );
}
