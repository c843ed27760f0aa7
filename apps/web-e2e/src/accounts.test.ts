// Issue 8 in the browser: the Sessions page, a password change, a display name that reaches
// the other person live, and account deletion. Real Chromium, the real gateway and Postgres.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, PASSWORD, SCREENSHOT_DIR } from './browser.ts';
import { accountMenu, conversationLink, DESKTOP, LIVE_MS, messages, openDirect, PHONE, send, signUp } from './chat-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';

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

/** A second browser profile of the same person, signed in through the form. */
async function signInElsewhere(handle: string, password = PASSWORD): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${stack.url}/sign-in`);
  await page.getByRole('textbox', { name: 'Handle' }).fill(handle);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'New conversation' }).waitFor();
  return { context, page };
}

const sessionItems = (page: Page) => page.getByRole('list', { name: 'Your sessions' }).getByRole('listitem');
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `accounts-${name}.png`), fullPage: false });

describe('account settings in the browser', () => {
  it('signs out the other device from the Sessions page, and changes the password', async () => {
    const here = await signUp(browser, stack.url, 'sam', 'Sam Vimes', contexts);
    const there = await signInElsewhere('sam');

    // Reached from the shell's account menu, by keyboard.
    await here.page.getByRole('button', { name: /^Account menu for Sam Vimes/ }).focus();
    await here.page.keyboard.press('Enter');
    await here.page.getByRole('menuitem', { name: 'Account settings' }).waitFor();
    await shot(here.page, 'menu');
    await here.page.keyboard.press('Enter');
    await here.page.getByRole('heading', { level: 1, name: 'Account settings' }).waitFor();
    await expect.poll(() => sessionItems(here.page).count()).toBe(2);
    const current = sessionItems(here.page).filter({ hasText: 'This device' });
    await expect.poll(() => current.count()).toBe(1);
    await expect.poll(() => current.textContent()).toContain('Chrome on Linux');
    await shot(here.page, 'sessions-desktop');

    // Sign out the other device: its page goes to sign-in by itself.
    await sessionItems(here.page).filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out/ }).click();
    await here.page.getByRole('status').filter({ hasText: 'Signed out Chrome on Linux.' }).waitFor();
    await there.page.waitForURL(/\/sign-in$/, { timeout: LIVE_MS });
    await expect.poll(() => sessionItems(here.page).count()).toBe(1);

    // Password: a wrong current one is refused clearly; the right one signs out the others.
    const other = await signInElsewhere('sam');
    const form = here.page.getByRole('region', { name: 'Password' });
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password', { exact: true }).fill('a much newer password');
    await form.getByLabel('Repeat new password').fill('a much newer password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Current password is wrong').waitFor();
    await shot(here.page, 'password-error');
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Password changed. 1 other session was signed out.').waitFor();
    await other.page.waitForURL(/\/sign-in$/, { timeout: LIVE_MS });
    await signInElsewhere('sam', 'a much newer password');
  });

  it('shows a new display name live in the other person’s browser; a deleted account leaves history readable', async () => {
    const ann = await signUp(browser, stack.url, 'ann', 'Ann Smith', contexts);
    const ben = await signUp(browser, stack.url, 'ben', 'Ben Jones', contexts);
    await openDirect(ann.page, 'ben', 'Ben Jones');
    await send(ann.page, 'Hello Ben, it is Ann');
    await conversationLink(ben.page, /Ann Smith/).click();
    await messages(ben.page).getByText('Hello Ben, it is Ann').waitFor({ timeout: LIVE_MS });

    // Ann renames herself at phone width; Ben's open conversation and list follow, no reload.
    await ann.page.setViewportSize(PHONE);
    await accountMenu(ann.page, 'Account settings');
    const profile = ann.page.getByRole('region', { name: 'Profile' });
    await profile.getByLabel('Display name').fill('Ann Wright');
    await profile.getByRole('button', { name: 'Save name' }).click();
    await profile.getByText('Saved. Everyone sees your new name.').waitFor();
    await shot(ann.page, 'settings-phone');
    await ben.page.getByRole('heading', { level: 1, name: 'Ann Wright' }).waitFor({ timeout: LIVE_MS });
    await conversationLink(ben.page, /Ann Wright/).waitFor();
    await shot(ben.page, 'renamed-live');

    // Deletion needs the typed handle and the password.
    await ann.page.setViewportSize(DESKTOP);
    await ann.page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Delete your account?' });
    const confirm = dialog.getByRole('button', { name: 'Delete account' });
    await dialog.getByLabel('Type ann').fill('an');
    await dialog.getByLabel('Password').fill(PASSWORD);
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type ann').fill('ann');
    await shot(ann.page, 'delete-dialog');
    await confirm.click();
    await ann.page.waitForURL(/\/sign-in$/);
    expect(await ann.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley.')))).toEqual([]);

    // Ben: the conversation now names "Deleted user", live, and Ann's words are still there.
    await ben.page.getByRole('heading', { level: 1, name: 'Deleted user' }).waitFor({ timeout: LIVE_MS });
    await messages(ben.page).getByText('Hello Ben, it is Ann').waitFor();
    await ben.page.reload();
    await messages(ben.page).getByText('Hello Ben, it is Ann').waitFor();
    await shot(ben.page, 'deleted-peer');

    // And Ann cannot sign in again.
    await ann.page.getByRole('textbox', { name: 'Handle' }).fill('ann');
    await ann.page.getByLabel('Password').fill(PASSWORD);
    await ann.page.getByRole('button', { name: 'Sign in' }).click();
    await ann.page.getByRole('alert').filter({ hasText: /wrong|invalid|incorrect/i }).waitFor();
  });
});
