// The smaller things from issue 9: renaming a group, drafts that survive, the "new messages"
// pill, and where focus lands in the new-conversation dialog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ParleyClient } from '@parley/client';
import { launchChromium } from './browser.ts';
import {
  article,
  composer,
  conversationIdOf,
  conversationLink,
  LIVE_MS,
  messages,
  openDirect,
  sdkClientOf,
  send,
  sendAllAcked,
  signUp,
  toolbarButton,
} from './chat-helpers.ts';
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

const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);

describe('conversation extras in the browser', () => {
  it('renames a group from its page; both timelines show it in place', async () => {
    const gus = await signUp(browser, stack.url, 'gus', 'Gus Host', contexts);
    const hal = await signUp(browser, stack.url, 'hal', 'Hal Guest', contexts);

    // The new-conversation dialog starts in its search box.
    await gus.page.getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => focusedLabel(gus.page)).toBe('Search people');
    await gus.page.getByRole('button', { name: 'Group', exact: true }).click();
    await gus.page.getByRole('textbox', { name: 'Group name' }).fill('Book club');
    await gus.page.getByRole('searchbox', { name: 'Search people' }).fill('hal');
    await gus.page.getByRole('button', { name: 'Add Hal Guest' }).click();
    await gus.page.getByRole('button', { name: 'Create group' }).click();
    await composer(gus.page).waitFor();
    await send(gus.page, 'First pick?');
    await conversationLink(hal.page, /Book club/).click();
    await article(hal.page, 'First pick?').waitFor();

    await gus.page.getByRole('button', { name: 'Rename group' }).click();
    const dialog = gus.page.getByRole('dialog', { name: 'Rename group' });
    await expect.poll(() => focusedLabel(gus.page)).toBeNull();
    await expect.poll(() => gus.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('Book club');
    await dialog.getByRole('textbox', { name: 'Group name' }).fill('Reading room');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    await messages(gus.page).getByText('You renamed the group to “Reading room”').waitFor({ timeout: LIVE_MS });
    await gus.page.getByRole('heading', { level: 1, name: 'Reading room' }).waitFor({ timeout: LIVE_MS });
    await messages(hal.page).getByText('Gus Host renamed the group to “Reading room”').waitFor({ timeout: LIVE_MS });
    await hal.page.getByRole('heading', { level: 1, name: 'Reading room' }).waitFor({ timeout: LIVE_MS });
    await conversationLink(hal.page, /Reading room/).waitFor({ timeout: LIVE_MS });
    // In place: after the message that came before it.
    const text = await messages(hal.page).innerText();
    expect(text.indexOf('First pick?')).toBeLessThan(text.indexOf('renamed the group'));
  });

  it('keeps each conversation’s draft and reply across switching and reloads', async () => {
    const ivy = await signUp(browser, stack.url, 'ivy', 'Ivy Drafter', contexts);
    await signUp(browser, stack.url, 'jon', 'Jon One', contexts);
    await signUp(browser, stack.url, 'kim', 'Kim Two', contexts);
    await openDirect(ivy.page, 'jon', 'Jon One');
    await send(ivy.page, 'Are you coming on Friday?');
    await (await toolbarButton(ivy.page, 'Are you coming on Friday?', 'Reply')).click();
    await composer(ivy.page).fill('Half a thought for Jon');
    await openDirect(ivy.page, 'kim', 'Kim Two');
    expect(await composer(ivy.page).inputValue()).toBe('');
    await composer(ivy.page).fill('Something for Kim');

    await conversationLink(ivy.page, /Jon One/).click();
    await expect.poll(() => composer(ivy.page).inputValue()).toBe('Half a thought for Jon');
    await ivy.page.getByText('Replying to').waitFor();
    await ivy.page.reload();
    await expect.poll(() => composer(ivy.page).inputValue(), { timeout: LIVE_MS }).toBe('Half a thought for Jon');
    await ivy.page.getByText('Replying to').filter({ hasText: 'You' }).waitFor();
    await conversationLink(ivy.page, /Kim Two/).click();
    await expect.poll(() => composer(ivy.page).inputValue()).toBe('Something for Kim');

    // Sending clears it for good.
    await composer(ivy.page).press('Enter');
    await messages(ivy.page).locator('article[data-seq]').filter({ hasText: 'Something for Kim' }).waitFor();
    await ivy.page.reload();
    await article(ivy.page, 'Something for Kim').waitFor({ timeout: LIVE_MS });
    expect(await composer(ivy.page).inputValue()).toBe('');
  });

  it('offers "new messages" when scrolled up while messages arrive, and brings the reader down', async () => {
    const lea = await signUp(browser, stack.url, 'lea', 'Lea Writer', contexts);
    const max = await signUp(browser, stack.url, 'max', 'Max Reader', contexts);
    await openDirect(lea.page, 'max', 'Max Reader');
    const conversationId = conversationIdOf(lea.page);
    const sdk = await sdkClientOf(lea, stack.url);
    sdkClients.push(sdk);
    await sendAllAcked(sdk, conversationId, Array.from({ length: 80 }, (_, i) => `line ${i + 1}`));
    await conversationLink(max.page, /Lea Writer/).click();
    await article(max.page, 'line 80').waitFor();

    await messages(max.page).evaluate((el) => el.scrollTo({ top: 0 }));
    await max.page.getByRole('button', { name: 'Jump to latest' }).waitFor();
    await sendAllAcked(sdk, conversationId, ['fresh news']);
    const pill = max.page.getByRole('button', { name: '1 new message' });
    await pill.waitFor({ timeout: LIVE_MS });
    // Scrolled up, the view did not move to the new message by itself.
    const shown = () =>
      article(max.page, 'fresh news').evaluate((el) => {
        const log = el.closest('[role="log"]')!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return box.top >= log.top && box.bottom <= log.bottom + 1;
      });
    expect(await shown()).toBe(false);
    await pill.click();
    await pill.waitFor({ state: 'detached' });
    await expect.poll(shown).toBe(true);
    expect(await max.page.getByRole('button', { name: 'Jump to latest' }).count()).toBe(0);
  });
});
