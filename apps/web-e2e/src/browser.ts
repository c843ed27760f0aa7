import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { guardCsp, guardCspContext } from './csp-guard.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test-output', 'screenshots');

/** Flags for call tests: fake camera/mic granted without a prompt, WebRTC allowed on loopback. */
const CALL_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'];

/** Headless and kept off the network except loopback. */
const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function checkChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}

/** Real Debian Chromium, headless, kept off the network except loopback. Fails loudly if absent. */
export async function launchChromium(options: { calls?: boolean } = {}): Promise<Browser> {
  checkChromium();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...BASE_ARGS, ...(options.calls ? CALL_ARGS : [])] });
  return guardCsp(browser);
}

export interface PersistentProfile {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Chromium with a profile on disk, as a person's browser has: PushManager works only there (an
 * off-the-record profile refuses to subscribe). `args` adds switches (the fake FCM's).
 */
export async function launchPersistentChromium(args: readonly string[], viewport: { width: number; height: number }): Promise<PersistentProfile> {
  checkChromium();
  const dir = await mkdtemp(join(tmpdir(), 'parley-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, headless: true, viewport, args: [...BASE_ARGS, ...args] });
  guardCspContext(context);
  return {
    context,
    async close() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every test user's password. */
export const PASSWORD = 'correct horse battery';

/** Fills the sign-up form at `baseUrl` and waits for the signed-in app. */
export async function signUpWithForm(page: Page, baseUrl: string, handle: string, displayName: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByRole('textbox', { name: 'Handle' }).fill(handle);
  await page.getByRole('textbox', { name: 'Display name' }).fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('button', { name: 'New conversation' }).waitFor();
}

/**
 * Signs up with `auth.signUp` from the page's own context (so the session cookie is the
 * browser's), then opens the app and waits for it. The form is tested where sign-up is the
 * subject (chat.test.ts, auth-limits.test.ts); for the other eighty-odd users of the suite it
 * only cost a page load each, several seconds on a loaded CI machine.
 */
export async function signUpInBrowser(page: Page, baseUrl: string, handle: string, displayName: string): Promise<void> {
  const { origin } = new URL(baseUrl);
  const response = await page.request.post(`${origin}/trpc/auth.signUp`, {
    headers: { 'x-parley-csrf': '1', origin },
    data: { handle, displayName, password: PASSWORD },
  });
  if (!response.ok()) throw new Error(`auth.signUp for ${handle} answered ${response.status()}: ${await response.text()}`);
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'New conversation' }).waitFor();
}
