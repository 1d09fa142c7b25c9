/**
 * The browser suites' shared pieces: Debian's Chromium launched headless as the project runs it
 * (driven by playwright-core; never a downloaded browser), contexts presenting a principal's
 * client certificate (mutual TLS is what is under test), one context per demo principal, and the
 * steps every page test takes (open a page, submit a form and wait for the next page).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import type { GerbangConfig } from '../../gateway/config/index.ts';
import {
  prepareInstance,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './child-gateway.ts';
import { canaryLookup, LOOKUP_HEADERS } from './instance.ts';
import { stopChild } from './processes.ts';

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

/**
 * What every browser suite runs against, started and ended the same way: a fresh instance, its
 * `gerbang serve` child (healthy for `healthAs`), the suite's own `prepare`, then Chromium; at
 * the end whatever started, in reverse, even when the start failed half-way. `hooks()` is called
 * inside the suite's describe, so that a missing tool skips the start as well.
 */
export function browserSuite(options: {
  readonly artifacts: string;
  readonly healthAs: string;
  readonly adjust?: (config: GerbangConfig) => GerbangConfig;
  readonly prepare?: (instance: PreparedInstance) => Promise<void>;
}) {
  let instance: PreparedInstance | undefined;
  let gateway: ChildProcess | undefined;
  let browser: Browser | undefined;
  return {
    /** The instance, once the start hook made it. */
    instance: (): PreparedInstance => {
      if (instance === undefined) throw new Error('the instance did not start');
      return instance;
    },
    browser: (): Browser | undefined => browser,
    hooks(): void {
      beforeAll(async () => {
        rmSync(options.artifacts, { recursive: true, force: true });
        mkdirSync(options.artifacts, { recursive: true });
        instance = await prepareInstance(options.adjust);
        gateway = spawnGerbang(['serve'], instance.dir, { stdio: 'ignore' });
        await waitForHealth(instance.url, instance.agent(options.healthAs));
        await options.prepare?.(instance);
        browser = await launchChromium();
      }, 120_000);
      afterAll(async () => {
        try {
          await browser?.close();
        } finally {
          if (gateway) await stopChild(gateway);
          await instance?.simulator.close();
          if (instance) rmSync(instance.dir, { recursive: true, force: true });
        }
      });
    },
  };
}

/** One lookup of the canary resident by the demo app, so that the trail has a record to show. */
export async function lookUpCanary(instance: PreparedInstance): Promise<void> {
  const response = await request(`${instance.url}/v1/nik/lookup`, {
    method: 'POST',
    dispatcher: instance.agent('app-pendaftaran'),
    headers: { 'content-type': 'application/json', ...LOOKUP_HEADERS },
    body: JSON.stringify(canaryLookup()),
  });
  await response.body.dump();
  if (response.statusCode !== 200)
    throw new Error(`the canary lookup answered ${String(response.statusCode)}`);
}
