/**
 * The real headless Chromium of the browser suites (Debian's, driven by playwright-core; never a
 * downloaded browser), its contexts with a principal's client certificate for mutual TLS, and
 * submitting a form the way a person does.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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
): Promise<BrowserContext> {
  return browser.newContext({
    // The browser does not know the demo CA; the client certificate is what is under test.
    ignoreHTTPSErrors: true,
    clientCertificates: [{ origin, ...certificate }],
  });
}

/** Clicks a submit button and waits for the page it leads to. */
export async function submit(page: Page, name: RegExp): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name }).click()]);
}
