// Shared steps for the offline browser tests: the connection banner, a message's state, the
// service worker being ready, and refusals that must never reach the screen.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './browser.ts';
import { article, DESKTOP, PHONE } from './chat-helpers.ts';

/** The connection banner (an always mounted `role="status"`) while it says `text`. */
export const banner = (page: Page, text: string): Locator => page.getByRole('status').filter({ hasText: text });

/** The state line under the message whose text includes `body`. */
export const stateOf = (page: Page, body: string, state: string): Locator => article(page, body).getByText(state, { exact: true });

/** Committed messages (they have a seq) whose text includes `body`. */
export const committed = (page: Page, body: string): Locator => page.getByRole('log', { name: 'Messages' }).locator('article[data-seq]').filter({ hasText: body });

/**
 * Waits until the service worker controls the page and holds the current page, so a reload
 * without a network can be served from it (the first visit registers it). Polled from here:
 * `waitForFunction` does not await an async predicate, and a pending Promise is truthy.
 */
export async function offlineReady(page: Page, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await page.evaluate(
      async () =>
        navigator.serviceWorker.controller?.state === 'activated' &&
        (await caches.match(location.pathname, { ignoreSearch: true, ignoreVary: true })) !== undefined,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the service worker did not control ${page.url()} with the page cached within ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}

/** Desktop and phone screenshots of the page as it is now; the viewport is restored after. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`) });
  await page.setViewportSize(DESKTOP);
}

/** Texts of the page's own messages, committed or not, in log order. */
export async function logBodies(page: Page): Promise<string[]> {
  return page.getByRole('log', { name: 'Messages' }).locator('article .message-body').allInnerTexts();
}

/**
 * Records, from now on, any text shown in the page that reads like a refusal ("Too many
 * requests", "Not sent", "slow down"): a person typing normally must never see one.
 */
export async function watchForRefusals(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __refusals: string[] }).__refusals = seen;
    const pattern = /too many|slow down|not sent|rate.?limit/i;
    new MutationObserver((records) => {
      for (const record of records) {
        const nodes = record.type === 'characterData' ? [record.target] : [...record.addedNodes];
        for (const node of nodes) if (pattern.test(node.textContent ?? '')) seen.push(node.textContent ?? '');
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __refusals: string[] }).__refusals);
}
