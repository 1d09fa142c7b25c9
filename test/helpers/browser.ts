/**
 * The browser suites' shared pieces: Debian's Chromium launched headless as the project runs it
 * (driven by playwright-core; never a downloaded browser), contexts presenting a principal's
 * client certificate (mutual TLS is what is under test), one context per demo principal, and the
 * steps every page test takes (open a page, submit a form and wait for the next page).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { PreparedInstance } from './child-gateway.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** How a context presents its client certificate: PEM files, or a PKCS#12 and its password. */
export type ClientCertificateFiles =
  | { readonly certPath: string; readonly keyPath: string }
  | { readonly pfxPath: string; readonly passphrase: string };

/** A context presenting `certificate` to `origin` (the demo CA is not the browser's). */
export function contextWithCertificate(
  browser: Browser,
  origin: string,
  certificate: ClientCertificateFiles,
  options: { acceptDownloads?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    // The browser does not know the demo CA; the client certificate is what is under test.
    ignoreHTTPSErrors: true,
    ...(options.acceptDownloads === undefined ? {} : { acceptDownloads: options.acceptDownloads }),
    clientCertificates: [{ origin, ...certificate }],
  });
}

/** A context whose requests to the instance present the demo principal `id`'s client certificate. */
export function clientContext(
  browser: Browser,
  instance: { readonly url: string; readonly dir: string },
  id: string,
  options: { acceptDownloads?: boolean } = {},
): Promise<BrowserContext> {
  return contextWithCertificate(
    browser,
    instance.url,
    {
      certPath: join(instance.dir, `pki/clients/${id}.crt`),
      keyPath: join(instance.dir, `pki/clients/${id}.key`),
    },
    options,
  );
}

/** A browser context per demo principal, each presenting its own client certificate. */
export function principalBrowsers(
  browser: () => Browser | undefined,
  instance: () => PreparedInstance,
  options: { acceptDownloads?: boolean } = {},
) {
  const contexts = new Map<string, BrowserContext>();
  const as = async (id: string): Promise<BrowserContext> => {
    let context = contexts.get(id);
    if (context === undefined) {
      const running = browser();
      if (running === undefined) throw new Error('the browser did not start');
      context = await clientContext(running, instance(), id, options);
      contexts.set(id, context);
    }
    return context;
  };
  const open = async (id: string, path: string) => {
    const page = await (await as(id)).newPage();
    const response = await page.goto(`${instance().url}${path}`);
    if (response === null) throw new Error(`no response for ${path}`);
    return { page, response };
  };
  return { as, open };
}

/** Clicks a submit button and waits for the page it leads to. */
export async function submit(page: Page, name: RegExp, within?: string): Promise<void> {
  const scope = within === undefined ? page : page.locator(within);
  await Promise.all([page.waitForEvent('load'), scope.getByRole('button', { name }).click()]);
}

/** Runs in the page (the test's TypeScript has no DOM library): one computed style property. */
export const computedStyle = (element: unknown, property: string): string => {
  const el = element as {
    ownerDocument: { defaultView: { getComputedStyle(e: unknown): Record<string, string> } };
  };
  return el.ownerDocument.defaultView.getComputedStyle(el)[property] ?? '';
};
