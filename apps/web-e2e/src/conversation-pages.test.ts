// Issue 11 in the browser: someone in hundreds of conversations. The app opens on the first page
// of the list (`conversations.list` with a limit), shows it, and reads the rest behind it, so the
// whole list, unread counts included, is there a moment later. Real Chromium, gateway, Postgres.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createGroupConversation } from '@parley/db';
import { launchChromium, SCREENSHOT_DIR } from './browser.ts';
import { article, conversationLink, LIVE_MS, sdkClientOf, sendAllAcked, signUp, userIdOf } from './chat-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';

/** More than the first page (50) and one full page after it (200). */
const ROOMS = 260;

let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

/** The `limit` of every conversations.list call the page makes (tRPC batches: `input` is `{"0": …}`). */
function watchListCalls(page: Page): Array<number | 'all'> {
  const limits: Array<number | 'all'> = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/trpc/')) return;
    const procedures = url.pathname.slice('/trpc/'.length).split(',');
    const inputs = JSON.parse(url.searchParams.get('input') ?? '{}') as Record<string, { limit?: number } | undefined>;
    procedures.forEach((procedure, i) => {
      if (procedure === 'conversations.list') limits.push(inputs[String(i)]?.limit ?? 'all');
    });
  });
  return limits;
}

/**
 * Rooms made straight in the database, ten at a time: one by one, 260 commits took over 40 s
 * on a loaded machine. Their order among themselves does not matter to the test.
 */
async function createRooms(count: number, input: (i: number) => Parameters<typeof createGroupConversation>[1]): Promise<void> {
  const { db } = stack.server.deps;
  for (let start = 0; start < count; start += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - start) }, (_, k) => createGroupConversation(db, input(start + k))));
  }
}

const listed = (page: Page) => page.getByRole('list', { name: 'Conversations' }).getByRole('link');

describe('a long conversation list', () => {
  it('opens on the first page and reads the rest behind it: every conversation, and every unread, shows', async () => {
    const pat = await signUp(browser, stack.url, 'pat', 'Pat Morita', contexts);
    const quinn = await signUp(browser, stack.url, 'quinn', 'Quinn Fabray', contexts);
    const [patId, quinnId] = [await userIdOf(pat, stack.url), await userIdOf(quinn, stack.url)];
    const { db } = stack.server.deps;
    // The oldest room has the one unread message; every later room is newer than it, so it is
    // the very last of the list, on a page the app reads only after it has opened.
    const bottom = await createGroupConversation(db, { creatorId: quinnId, title: 'Room 000', memberIds: [patId] });
    // Quinn's SDK connects after a room exists: a socket hears of conversations made straight in
    // the database (not through the API) only at its next hello.
    const seed = await sdkClientOf(quinn, stack.url);
    await sendAllAcked(seed, bottom.conversationId, ['from the bottom of the list']);
    seed.close();
    await createRooms(ROOMS - 1, (i) => ({ creatorId: quinnId, title: `Room ${String(i + 1).padStart(3, '0')}`, memberIds: [patId] }));

    const limits = watchListCalls(pat.page);
    await pat.page.reload();
    await conversationLink(pat.page, /Room 259/).waitFor({ timeout: LIVE_MS });
    await expect.poll(() => listed(pat.page).count(), { timeout: LIVE_MS }).toBe(ROOMS);
    // First 50, then 200, then the last 10: never the whole list in one call, and never a read
    // started again. The socket's first hello_ok while the list was read adds one read of the
    // top, down to what is unchanged: here one page.
    expect([[50, 200, 200], [50, 200, 200, 50]]).toContainEqual(limits);
    await expect.poll(() => pat.page.title(), { timeout: LIVE_MS }).toMatch(/^\(1\) /);
    await pat.page.screenshot({ path: join(SCREENSHOT_DIR, 'conversation-pages-top-desktop.png') });

    const last = conversationLink(pat.page, /Room 000/);
    await last.scrollIntoViewIfNeeded();
    expect(await last.textContent()).toMatch(/from the bottom of the list/);
    await pat.page.screenshot({ path: join(SCREENSHOT_DIR, 'conversation-pages-bottom-desktop.png') });
    await last.click();
    await article(pat.page, 'from the bottom of the list').waitFor({ timeout: LIVE_MS });
    await expect.poll(() => pat.page.title(), { timeout: LIVE_MS }).not.toMatch(/^\(\d+\) /);

    // A new message in a room far down the list brings it to the top, live.
    const middle = (await db.pool.query<{ id: string }>("SELECT id::text FROM conversations WHERE title = 'Room 100'")).rows[0]!.id;
    const quinnSdk = await sdkClientOf(quinn, stack.url);
    await sendAllAcked(quinnSdk, middle, ['up from the middle']);
    await expect.poll(() => listed(pat.page).first().textContent(), { timeout: LIVE_MS }).toMatch(/Room 100.*up from the middle/);
    expect(await listed(pat.page).count()).toBe(ROOMS);
    quinnSdk.close();

    // Added to twenty rooms at once (a script, straight in the database): each is read on its
    // own as its `conversation_changed` arrives; the list is not read again, let alone twenty times.
    const readsBefore = limits.length;
    await createRooms(20, (i) => ({ creatorId: quinnId, title: `Burst ${String(i).padStart(2, '0')}`, memberIds: [patId] }));
    await expect.poll(() => listed(pat.page).count(), { timeout: LIVE_MS }).toBe(ROOMS + 20);
    await expect.poll(() => listed(pat.page).first().textContent(), { timeout: LIVE_MS }).toMatch(/Burst/);
    expect(limits.slice(readsBefore)).toEqual([]);
  }, 120_000); // Two sign-ups and 280 rooms: on a loaded machine the setup alone took 40 s of the default 60.
});
