// Issue 10 in the browser: search from the header, open a hit, and land in the conversation at
// that message (highlighted), with history loading both ways around it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ParleyClient } from '@parley/client';
import { launchChromium, SCREENSHOT_DIR } from './browser.ts';
import { article, conversationIdOf, LIVE_MS, messages, openDirect, PHONE, sdkClientOf, send, sendAllAcked, signUp } from './chat-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';

let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const sdkClients: ParleyClient[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
afterAll(async () => {
  for (const client of sdkClients) client.close();
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

const BEFORE = 120;
const AFTER = 120;

describe('search in the browser', () => {
  it('finds a message from the header, opens the conversation at it, and loads more both ways', async () => {
    const alice = await signUp(browser, stack.url, 'alice_s', 'Alice Search', contexts);
    const bob = await signUp(browser, stack.url, 'bob_s', 'Bob Search', contexts);
    await openDirect(alice.page, 'bob_s', 'Bob Search');
    const conversationId = conversationIdOf(alice.page);
    await send(alice.page, 'hello Bob');
    // A long history with the hit deep in the middle: far from both ends of any first page.
    const client = await sdkClientOf(alice, stack.url);
    sdkClients.push(client);
    await sendAllAcked(client, conversationId, Array.from({ length: BEFORE }, (_, i) => `older filler ${i + 1}`));
    await sendAllAcked(client, conversationId, ['The <b>boarding</b> passes for Lisbon are in the shared folder & ready']);
    await sendAllAcked(client, conversationId, Array.from({ length: AFTER }, (_, i) => `newer filler ${i + 1}`));

    const page = bob.page;
    await page.goto(`${stack.url}/`);
    const box = page.getByRole('searchbox', { name: 'Search messages and people' });
    await box.fill('lisbon BOARDING');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const hit = page.getByRole('region', { name: 'Messages' }).getByRole('link').filter({ hasText: 'Lisbon' });
    await hit.waitFor({ timeout: LIVE_MS });
    // The body's markup is text; the words found are marked.
    expect(await hit.locator('mark').allTextContents()).toEqual(['boarding', 'Lisbon']);
    expect(await hit.textContent()).toContain('The <b>boarding</b> passes');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'search-results.png') });

    await hit.click();
    await page.waitForURL(/\/c\/[^?]+\?at=\d+/);
    const target = article(page, 'passes for Lisbon');
    await target.waitFor({ timeout: LIVE_MS });
    // Highlighted and in view, with older history above it, not the newest page.
    await expect.poll(() => target.getAttribute('data-highlighted')).toBe('true');
    expect(await target.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await article(page, /^.*older filler 100\b/).count()).toBeGreaterThan(0);
    expect(await article(page, 'newer filler 120').count()).toBe(0);
    const inView = await target.evaluate((el) => {
      const log = el.closest('[role="log"]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return box.top >= log.top && box.bottom <= log.bottom;
    });
    expect(inView).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'search-opened-at-hit.png') });

    // Scrolling down loads newer pages until the newest message; scrolling up loads older ones.
    const log = messages(page);
    await expect
      .poll(
        async () => {
          await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
          return article(page, 'newer filler 120').count();
        },
        { timeout: LIVE_MS },
      )
      .toBe(1);
    await expect
      .poll(
        async () => {
          await log.evaluate((el) => el.scrollTo({ top: 0 }));
          return article(page, 'hello Bob').count();
        },
        { timeout: LIVE_MS },
      )
      .toBe(1);
    await page.getByText('This is the beginning of the conversation.').waitFor();
    // Every message once, in order: no gap, no duplicate where the pages met.
    const seqs = await log.locator('article[data-seq]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length).toBe(1 + BEFORE + 1 + AFTER);

    // Once the window reached the newest message, live messages show again.
    await sendAllAcked(client, conversationId, ['a live one after the search']);
    await article(page, 'a live one after the search').waitFor({ timeout: LIVE_MS });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'search-scrolled-both-ways.png') });
  });

  it('an outsider finds nothing of a conversation they are not in; filters narrow the results', async () => {
    const carol = await signUp(browser, stack.url, 'carol_s', 'Carol Outside', contexts);
    await carol.page.goto(`${stack.url}/search?q=lisbon`);
    await carol.page.getByText('No messages match.', { exact: false }).waitFor({ timeout: LIVE_MS });

    const bob = contexts[1]!.pages()[0]!;
    await bob.goto(`${stack.url}/search?q=filler&since=2000-01-01`);
    const region = bob.getByRole('region', { name: 'Messages' });
    await region.getByRole('link').first().waitFor({ timeout: LIVE_MS });
    expect(await region.getByRole('link').count()).toBe(20);
    await bob.getByRole('button', { name: 'More results' }).click();
    await expect.poll(() => region.getByRole('link').count()).toBe(40);
    await bob.goto(`${stack.url}/search?q=filler&until=2000-01-01`);
    await bob.getByText('No messages match.', { exact: false }).waitFor({ timeout: LIVE_MS });

    // At phone width the form wraps and the hits stay readable.
    await bob.setViewportSize(PHONE);
    await bob.goto(`${stack.url}/search?q=lisbon`);
    await bob.getByRole('region', { name: 'Messages' }).getByRole('link').first().waitFor({ timeout: LIVE_MS });
    await bob.screenshot({ path: join(SCREENSHOT_DIR, 'search-phone.png') });
  });
});
