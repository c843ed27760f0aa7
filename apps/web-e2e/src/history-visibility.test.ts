// Issue 8, "History visibility", as people see it: an owner limits a group's history to what
// each member was there for; the others see the change live and why they cannot make it; a
// newcomer sees nothing from before they joined.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { article, conversationLink, createGroup, LIVE_MS, messages, send, signUp } from './chat-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';
import { screenshotBoth } from './offline-helpers.ts';

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

const panel = (page: Page): Locator => page.getByRole('complementary', { name: 'Members' });
const setting = (page: Page): Locator => panel(page).getByRole('group', { name: 'Message history' });
const choice = (page: Page, name: string): Locator => setting(page).getByRole('radio', { name: new RegExp(name) });

async function openGroup(page: Page, group: string): Promise<void> {
  await conversationLink(page, new RegExp(group)).click();
  await page.getByRole('heading', { level: 1, name: group }).waitFor({ timeout: LIVE_MS });
}

describe('history visibility in the browser', () => {
  it('an owner limits the history; members see it live and cannot change it; a newcomer sees nothing from before', async () => {
    const olga = await signUp(browser, stack.url, 'olga', 'Olga Owner', contexts);
    const pia = await signUp(browser, stack.url, 'pia', 'Pia Plain', contexts);
    const rex = await signUp(browser, stack.url, 'rexx', 'Rex Late', contexts);
    await createGroup(olga.page, 'Quiet room', [{ handle: 'pia', displayName: 'Pia Plain' }]);
    await send(olga.page, 'secret plans from before');
    await openGroup(pia.page, 'Quiet room');
    await article(pia.page, 'secret plans from before').waitFor({ timeout: LIVE_MS });

    // The owner sees the choice, whole history by default, and changes it.
    await olga.page.getByRole('button', { name: 'Members', exact: true }).click();
    expect(await choice(olga.page, 'Whole history').isChecked()).toBe(true);
    await choice(olga.page, 'Only while a member').check();
    await messages(olga.page).getByText('You limited each member to messages from while they are in the group').waitFor({ timeout: LIVE_MS });
    expect(await choice(olga.page, 'Only while a member').isChecked()).toBe(true);

    // A plain member: the line arrives live, the setting follows it, disabled with the reason.
    await messages(pia.page).getByText('Olga Owner limited each member to messages from while they are in the group').waitFor({ timeout: LIVE_MS });
    await pia.page.getByRole('button', { name: 'Members', exact: true }).click();
    await expect.poll(() => choice(pia.page, 'Only while a member').isChecked(), { timeout: LIVE_MS }).toBe(true);
    expect(await choice(pia.page, 'Whole history').isDisabled()).toBe(true);
    await panel(pia.page).getByText('Only owners can change who sees the history.').waitFor();
    await screenshotBoth(pia.page, 'history-member');

    // A newcomer sees their own arrival and what follows, nothing from before.
    await panel(olga.page).getByRole('searchbox', { name: 'Search people' }).fill('rexx');
    await panel(olga.page).getByRole('button', { name: 'Add Rex Late' }).click();
    await send(olga.page, 'welcome, Rex');
    await openGroup(rex.page, 'Quiet room');
    await article(rex.page, 'welcome, Rex').waitFor({ timeout: LIVE_MS });
    await messages(rex.page).getByText(/added you/).waitFor();
    expect(await article(rex.page, 'secret plans from before').count()).toBe(0);
    await messages(rex.page).getByText('Earlier messages are hidden: this group shows you what was said while you were in it.').waitFor();
    await rex.page.reload();
    await article(rex.page, 'welcome, Rex').waitFor({ timeout: LIVE_MS });
    expect(await article(rex.page, 'secret plans from before').count()).toBe(0);
    await screenshotBoth(rex.page, 'history-newcomer');
    // Members from before still see it all.
    expect(await article(pia.page, 'secret plans from before').count()).toBe(1);
  });
});
