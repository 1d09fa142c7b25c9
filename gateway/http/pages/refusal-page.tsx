/**
 * The page a browser gets when it is refused (a console or portal address, or an `Accept` that
 * asks for HTML): the consoles' style, the status and the catalogue code, and what it means in
 * Indonesian and English. API clients keep the JSON error (error-handler.ts decides). A pure
 * component: nothing of the request is shown but the request id, which the log also holds.
 */
import { renderDocument } from './components.tsx';
import { htmlPolicy } from './html-page.ts';
import { CONSOLE_STYLE } from './layout.tsx';

export const REFUSAL_POLICY = htmlPolicy(CONSOLE_STYLE);

/** What each status means to the person in front of the browser, Indonesian then English. */
const EXPLANATIONS: Readonly<Record<number, readonly [string, string]>> = {
  400: ['Permintaan tidak dapat dibaca.', 'The request could not be read.'],
  401: [
    'Sertifikat klien yang sah diperlukan. Pasang sertifikat Anda di peramban.',
    'A valid client certificate is required. Install your certificate in the browser.',
  ],
  403: [
    'Sertifikat Anda tidak diizinkan membuka halaman ini, atau akses sedang ditutup.',
    'Your certificate may not open this page, or access is closed at present.',
  ],
  404: ['Halaman ini tidak ada.', 'There is no such page.'],
  405: ['Cara membuka halaman ini tidak diizinkan.', 'This page cannot be opened this way.'],
  408: ['Permintaan tidak tiba tepat waktu.', 'The request did not arrive in time.'],
  409: [
    'Permintaan bertentangan dengan keadaan saat ini.',
    'The request conflicts with the current state.',
  ],
  413: ['Isian formulir terlalu besar.', 'The form is too large.'],
  415: [
    'Formulir dikirim dalam bentuk yang tidak diterima.',
    'The form was sent in a form that is not accepted.',
  ],
  429: ['Terlalu banyak permintaan; coba lagi nanti.', 'Too many requests; try again later.'],
  503: [
    'Layanan sedang tidak tersedia; coba lagi nanti.',
    'The service is unavailable; try again later.',
  ],
};
const FALLBACK: readonly [string, string] = [
  'Permintaan tidak dapat dilayani.',
  'The request could not be served.',
];

export function refusalDocument(refusal: {
  status: number;
  code: string;
  message: string;
  requestId?: string;
}): string {
  const [id, en] =
    EXPLANATIONS[refusal.status] ??
    (refusal.status >= 500 ? EXPLANATIONS[503] : undefined) ??
    FALLBACK;
  const title = `${String(refusal.status)} ${refusal.code}`;
  return renderDocument(
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — Gerbang`}</title>
        {/* Raw: the stylesheet is a constant, and its exact bytes are what the CSP hash allows. */}
        <style dangerouslySetInnerHTML={{ __html: CONSOLE_STYLE }} />
      </head>
      <body>
        <header>
          <strong>Gerbang</strong>
          <nav aria-label="Konsol">
            <ul>
              <li>
                <a href="/console/">Beranda konsol / Console home</a>
              </li>
            </ul>
          </nav>
        </header>
        <main id="main">
          <h1>
            Ditolak <span class="en">/ Refused</span>
          </h1>
          <div class="error" role="alert">
            <p>
              <strong id="refusal-code">
                {String(refusal.status)} · <code>{refusal.code}</code>
              </strong>
            </p>
            <p lang="id">{id}</p>
            <p class="en" lang="en">
              {en} <span id="refusal-message">{refusal.message}</span>
            </p>
          </div>
          {refusal.requestId === undefined ? null : (
            <p class="en">
              ID permintaan / request id: <code>{refusal.requestId}</code>
            </p>
          )}
        </main>
      </body>
    </html>,
  );
}
