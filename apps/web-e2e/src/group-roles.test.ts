// Issue 8, "Groups have roles", as people see it: badges, what each role is offered, the reasons
// for what it is not, live on every device and after a reload or a lost connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { conversationLink, createGroup, LIVE_MS, messages, signUp } from './chat-helpers.ts';
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
const row = (page: Page, name: string): Locator => panel(page).getByRole('list', { name: 'Group members' }).getByRole('listitem').filter({ hasText: name });
/** The row's badge text now ('' for none): no waiting, so polls see each state. */
const badgeOf = (page: Page, name: string): Promise<string> =>
  row(page, name)
    .locator('.role-badge')
    .allInnerTexts()
    .then((texts) => texts.join(' '));
const notes = (page: Page): Locator => panel(page).getByRole('list', { name: 'What your role allows' });
const manage = (page: Page, name: string): Locator => panel(page).getByRole('button', { name: `Manage ${name}` });
const leaveButton = (page: Page): Locator => panel(page).getByRole('button', { name: 'Leave group' });

const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? null;
  });

async function openMembers(page: Page, group: string): Promise<void> {
  await conversationLink(page, new RegExp(group)).click();
  await page.getByRole('heading', { level: 1, name: group }).waitFor({ timeout: LIVE_MS });
  await page.getByRole('button', { name: 'Members', exact: true }).click();
  await panel(page).waitFor();
}

describe('group roles in the browser', () => {
  it('owner promotes a member: every browser sees it live, the new admin gets the controls, a reload keeps them', async () => {
    const olga = await signUp(browser, stack.url, 'olga', 'Olga Owner', contexts);
    const pia = await signUp(browser, stack.url, 'pia', 'Pia Plain', contexts);
    const quin = await signUp(browser, stack.url, 'quin', 'Quin Rising', contexts);
    await createGroup(olga.page, 'Roles club', [
      { handle: 'pia', displayName: 'Pia Plain' },
      { handle: 'quin', displayName: 'Quin Rising' },
    ]);
    await olga.page.getByRole('button', { name: 'Members', exact: true }).click();
    await openMembers(pia.page, 'Roles club');
    await openMembers(quin.page, 'Roles club');

    // The creator is the owner, shown to everyone; plain members carry no badge.
    expect(await badgeOf(pia.page, 'Olga Owner')).toMatch(/owner/i);
    expect(await badgeOf(pia.page, 'Pia Plain')).toBe('');

    // A plain member: nothing to manage or add, the reasons said, rename disabled with the reason.
    expect(await notes(quin.page).innerText()).toContain('Only owners and admins can add people');
    expect(await notes(quin.page).innerText()).toContain('Only owners and admins can remove people');
    expect(await manage(quin.page, 'Pia Plain').count()).toBe(0);
    expect(await panel(quin.page).getByRole('searchbox', { name: 'Search people' }).count()).toBe(0);
    const quinRename = quin.page.getByRole('button', { name: 'Rename group' });
    expect(await quinRename.isDisabled()).toBe(true);
    expect(await quinRename.getAttribute('title')).toBe('Only owners and admins can rename the group');
    await screenshotBoth(quin.page, 'roles-member');

    // The last owner cannot leave, and is told how to hand over.
    expect(await leaveButton(olga.page).isDisabled()).toBe(true);
    await panel(olga.page).getByText('Make someone else an owner before you leave').waitFor();
    await screenshotBoth(olga.page, 'roles-last-owner');

    // Promote Quin: no question asked for giving power.
    await manage(olga.page, 'Quin Rising').click();
    const dialog = olga.page.getByRole('dialog', { name: 'Manage Quin Rising' });
    await dialog.getByRole('button', { name: 'Make admin' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => badgeOf(olga.page, 'Quin Rising'), { timeout: LIVE_MS }).toMatch(/admin/i);

    // Live in the other browsers: the badge, the log line, and Quin's new controls.
    await expect.poll(() => badgeOf(pia.page, 'Quin Rising'), { timeout: LIVE_MS }).toMatch(/admin/i);
    await messages(pia.page).getByText('Olga Owner made Quin Rising an admin').waitFor({ timeout: LIVE_MS });
    await manage(quin.page, 'Pia Plain').waitFor({ timeout: LIVE_MS });
    await panel(quin.page).getByRole('searchbox', { name: 'Search people' }).waitFor();
    expect(await notes(quin.page).count()).toBe(0);
    expect(await quin.page.getByRole('button', { name: 'Rename group' }).isDisabled()).toBe(false);
    // An admin does not manage owners.
    expect(await manage(quin.page, 'Olga Owner').count()).toBe(0);

    // The admin's dialog: owner-only actions disabled, with the reason.
    await manage(quin.page, 'Pia Plain').click();
    const quinDialog = quin.page.getByRole('dialog', { name: 'Manage Pia Plain' });
    expect(await quinDialog.getByRole('button', { name: 'Make owner' }).isDisabled()).toBe(true);
    expect(await quinDialog.getByRole('button', { name: 'Make admin' }).isDisabled()).toBe(false);
    await quinDialog.getByText('Only an owner can make or unmake an owner').waitFor();
    await screenshotBoth(quin.page, 'roles-admin-dialog');
    await quin.page.keyboard.press('Escape');
    await quinDialog.waitFor({ state: 'detached' });
    // Keyboard: focus is back where the dialog was opened from.
    await expect.poll(() => focusedName(quin.page)).toBe('Manage Pia Plain');
    await screenshotBoth(quin.page, 'roles-admin');

    // Handing over ownership asks first; then the old owner may leave.
    await manage(olga.page, 'Pia Plain').click();
    const handOver = olga.page.getByRole('dialog', { name: 'Manage Pia Plain' });
    await handOver.getByRole('button', { name: 'Make owner' }).click();
    await handOver.getByText('including change your role or remove you').waitFor();
    // The question takes the focus, on its safe answer.
    await expect.poll(() => focusedName(olga.page)).toBe('Cancel');
    await screenshotBoth(olga.page, 'roles-hand-over');
    await handOver.getByRole('button', { name: 'Make owner' }).click();
    await handOver.waitFor({ state: 'detached' });
    await expect.poll(() => badgeOf(pia.page, 'Pia Plain'), { timeout: LIVE_MS }).toMatch(/owner/i);
    await expect.poll(() => leaveButton(olga.page).isDisabled(), { timeout: LIVE_MS }).toBe(false);

    // After a reload the roles are still there.
    await pia.page.reload();
    await pia.page.getByRole('button', { name: 'Members', exact: true }).click();
    await expect.poll(() => badgeOf(pia.page, 'Quin Rising'), { timeout: LIVE_MS }).toMatch(/admin/i);
    expect(await badgeOf(pia.page, 'Pia Plain')).toMatch(/owner/i);
    expect(await badgeOf(pia.page, 'Olga Owner')).toMatch(/owner/i);

    // Leaving asks, then goes.
    await leaveButton(olga.page).click();
    await olga.page.getByRole('dialog', { name: 'Leave group' }).getByRole('button', { name: 'Leave', exact: true }).click();
    await olga.page.waitForURL((url) => url.pathname === '/', { timeout: LIVE_MS });
    await expect.poll(() => row(pia.page, 'Olga Owner').count(), { timeout: LIVE_MS }).toBe(0);
    // Pia is now the last owner, with Quin still in the group.
    await expect.poll(() => leaveButton(pia.page).isDisabled(), { timeout: LIVE_MS }).toBe(true);
  });

  it('a role change made while a device was offline shows once it reconnects', async () => {
    const rui = await signUp(browser, stack.url, 'rui', 'Rui Host', contexts);
    const sam = await signUp(browser, stack.url, 'sam', 'Sam Away', contexts);
    await signUp(browser, stack.url, 'tia', 'Tia Third', contexts);
    await createGroup(rui.page, 'Night shift', [
      { handle: 'sam', displayName: 'Sam Away' },
      { handle: 'tia', displayName: 'Tia Third' },
    ]);
    await rui.page.getByRole('button', { name: 'Members', exact: true }).click();
    await openMembers(sam.page, 'Night shift');
    expect(await badgeOf(sam.page, 'Tia Third')).toBe('');

    await sam.context.setOffline(true);
    await manage(rui.page, 'Tia Third').click();
    await rui.page.getByRole('dialog', { name: 'Manage Tia Third' }).getByRole('button', { name: 'Make admin' }).click();
    await expect.poll(() => badgeOf(rui.page, 'Tia Third'), { timeout: LIVE_MS }).toMatch(/admin/i);
    // Offline, Sam's view cannot have moved yet.
    expect(await badgeOf(sam.page, 'Tia Third')).toBe('');

    await sam.context.setOffline(false);
    await expect.poll(() => badgeOf(sam.page, 'Tia Third'), { timeout: 30_000 }).toMatch(/admin/i);
    await messages(sam.page).getByText('Rui Host made Tia Third an admin').waitFor({ timeout: LIVE_MS });
  });
});
