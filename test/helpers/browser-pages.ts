/**
 * What the browser suites share: Debian's Chromium launched headless as the project runs it (never
 * a downloaded browser), a browser context per principal presenting that principal's client
 * certificate from a demo instance, and small page helpers. The test's TypeScript has no DOM
 * library, so what runs in the page is typed by hand.
 */
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

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

/** A context whose requests to `url` present the demo principal `id`'s client certificate. */
export function clientContext(
  browser: Browser,
  instance: { readonly url: string; readonly dir: string },
  id: string,
): Promise<BrowserContext> {
  return browser.newContext({
    // The browser does not know the demo CA; the client certificate is what is under test.
    ignoreHTTPSErrors: true,
    clientCertificates: [
      {
        origin: instance.url,
        certPath: join(instance.dir, `pki/clients/${id}.crt`),
        keyPath: join(instance.dir, `pki/clients/${id}.key`),
      },
    ],
  });
}

/** Runs in the page: one computed style property of an element. */
export const computedStyle = (element: unknown, property: string): string => {
  const el = element as {
    ownerDocument: { defaultView: { getComputedStyle(e: unknown): Record<string, string> } };
  };
  return el.ownerDocument.defaultView.getComputedStyle(el)[property] ?? '';
};

/** Clicks a submit button and waits for the page it leads to. */
export async function submit(page: Page, name: RegExp): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name }).click()]);
}
