// Mentions (autocomplete by keyboard, highlight, list marker) and links (clickable, and never
// a way to run script), in real Chromium with three people.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { article, composer, conversationLink, LIVE_MS, messages, openDirect, send, signUp } from './chat-helpers.ts';
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

async function createGroup(page: Page, title: string, handles: readonly string[]): Promise<void> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('button', { name: 'Group', exact: true }).click();
  await page.getByRole('textbox', { name: 'Group name' }).fill(title);
  for (const handle of handles) {
    await page.getByRole('searchbox', { name: 'Search people' }).fill(handle);
    await page.getByRole('button', { name: /^Add / }).first().click();
  }
  await page.getByRole('button', { name: 'Create group' }).click();
  await composer(page).waitFor();
}

const suggestions = (page: Page) => page.getByRole('listbox', { name: 'Mention suggestions' });
const composerText = (page: Page) => composer(page).inputValue();

describe('mentions and links in the browser', () => {
  it('autocompletes @mentions by keyboard, highlights them for the person mentioned, and marks the conversation', async () => {
    const ada = await signUp(browser, stack.url, 'ada', 'Ada Lovelace', contexts);
    const bob = await signUp(browser, stack.url, 'bobby', 'Bob Builder', contexts);
    const cyd = await signUp(browser, stack.url, 'cyd', 'Cyd Charisse', contexts);
    await createGroup(ada.page, 'Launch crew', ['bobby', 'cyd']);

    // "@" lists the other members; typing narrows; arrows move; Escape closes.
    await composer(ada.page).pressSequentially('Hi @');
    const options = suggestions(ada.page).getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    await suggestions(ada.page).getByRole('option', { name: /Bob Builder @bobby/, selected: true }).waitFor();
    await suggestions(ada.page).getByRole('option', { name: /Cyd Charisse @cyd/, selected: false }).waitFor();
    await composer(ada.page).press('ArrowDown');
    await suggestions(ada.page).getByRole('option', { name: /Cyd Charisse/, selected: true }).waitFor();
    await composer(ada.page).press('Escape');
    await suggestions(ada.page).waitFor({ state: 'detached' });
    // A new "@" opens it again; the query matches handles case-insensitively.
    await composer(ada.page).press('Backspace');
    await composer(ada.page).pressSequentially('@BO');
    await suggestions(ada.page).getByRole('option', { name: /Bob Builder/, selected: true }).waitFor();
    expect(await options.count()).toBe(1);
    await composer(ada.page).press('Tab');
    await expect.poll(() => composerText(ada.page)).toBe('Hi @bobby ');
    await suggestions(ada.page).waitFor({ state: 'detached' });
    // Enter picks too, and only the next Enter sends.
    await composer(ada.page).pressSequentially('and @c');
    await composer(ada.page).press('Enter');
    await expect.poll(() => composerText(ada.page)).toBe('Hi @bobby and @cyd ');
    await composer(ada.page).pressSequentially('ship it');
    await composer(ada.page).press('Enter');
    await messages(ada.page).locator('article[data-seq]').filter({ hasText: 'ship it' }).waitFor();

    // Bob has not opened the group: it is marked as mentioning him. After a reload, with a later
    // message on top that does not mention him, the mark is still there.
    const bobsGroup = conversationLink(bob.page, /Launch crew/);
    await bobsGroup.getByRole('img', { name: 'Mentions you' }).waitFor({ timeout: LIVE_MS });
    await send(ada.page, 'and a follow-up for everyone');
    await bob.page.reload();
    await bobsGroup.getByRole('img', { name: 'Mentions you' }).waitFor({ timeout: LIVE_MS });
    await bobsGroup.click();
    const mentionMessage = messages(bob.page).locator('article.is-mention').filter({ hasText: 'ship it' });
    await mentionMessage.waitFor();
    expect(await mentionMessage.locator('.mention.is-me').innerText()).toBe('@Bob Builder');
    expect(await mentionMessage.locator('.mention').allInnerTexts()).toEqual(['@Bob Builder', '@Cyd Charisse']);
    // Reading it clears the marker.
    await bobsGroup.getByRole('img', { name: 'Mentions you' }).waitFor({ state: 'detached', timeout: LIVE_MS });

    // For Ada the same names are highlighted, but her own message is not "mentions me".
    await messages(ada.page).locator('.mention').filter({ hasText: '@Bob Builder' }).waitFor();
    expect(await messages(ada.page).locator('article.is-mention').count()).toBe(0);
    // Cyd is mentioned as well; an unrelated @word stays plain text.
    await conversationLink(cyd.page, /Launch crew/).getByRole('img', { name: 'Mentions you' }).waitFor({ timeout: LIVE_MS });
    await send(ada.page, 'ping @nobody_here');
    expect(await article(ada.page, 'ping @nobody_here').locator('.mention').count()).toBe(0);
  });

  it('turns URLs into safe links and shows markup and script URLs as plain text', async () => {
    const eve = await signUp(browser, stack.url, 'eve', 'Eve Sender', contexts);
    const fay = await signUp(browser, stack.url, 'fay', 'Fay Reader', contexts);
    await openDirect(eve.page, 'fay', 'Fay Reader');
    const own = `${stack.url}/sign-in?from=chat`;
    const body = `Docs: ${own}. Not links: javascript:alert(1) <img src=x onerror="window.__pwned=1"> <b>bold</b>`;
    await send(eve.page, body);
    await conversationLink(fay.page, /Eve Sender/).click();
    const message = article(fay.page, 'Docs:');
    await message.waitFor();

    const links = message.getByRole('link');
    expect(await links.count()).toBe(1);
    const link = links.first();
    expect(await link.innerText()).toBe(own);
    expect(await link.getAttribute('href')).toBe(own);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    // The markup is shown as text and never became elements or ran.
    expect(await message.innerText()).toContain('<img src=x onerror="window.__pwned=1"> <b>bold</b>');
    expect(await message.locator('img, b, script').count()).toBe(0);
    expect(await fay.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // Clicking opens a new tab that cannot reach back into Parley's window.
    const [popup] = await Promise.all([fay.page.waitForEvent('popup'), link.click()]);
    await popup.waitForLoadState('domcontentloaded');
    expect(popup.url()).toBe(own);
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await popup.close();
  });
});
