import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { loadConfig, startServer, type RunningServer } from '@parley/gateway';
import { launchChromium, SCREENSHOT_DIR, signUpInBrowser } from './browser.ts';
import { createGroup, openDirect } from './chat-helpers.ts';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
/** Short, so "last seen" shows soon after Alice leaves; production waits 8 s. */
const GRACE_MS = 1500;
/** Live updates cross one gateway: well under this. Typing and grace add a few seconds. */
const LIVE_MS = 10_000;

let database: TestDatabase;
let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Like gateway.ts's startStack, with a short presence grace.
  database = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: database.databaseUrl,
    WEB_DIR,
    LOG_LEVEL: 'silent',
    PRESENCE_GRACE_MS: String(GRACE_MS),
  });
  server = await startServer(config, { logger: pino({ level: 'warn' }) });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await database?.drop();
});

async function signUp(handle: string, displayName: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  contexts.push(context);
  const page = await context.newPage();
  await signUpInBrowser(page, server.url, handle, displayName);
  return { context, page };
}

const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
/** The status line under the other person's name in the chat header. */
const headerPresence = (page: Page): Locator => page.locator('.chat-header .chat-presence');
const typingStatus = (page: Page) => page.getByRole('status').filter({ hasText: 'is typing…' });

describe('presence, typing and read receipts in the browser', () => {
  it('shows the other person online, typing, reading, away, then last seen', async () => {
    const alice = await signUp('alice', 'Alice Liddell');
    const bob = await signUp('bob', 'Bob Builder');

    // Bob writes first, so both have the conversation.
    await bob.page.getByRole('button', { name: 'New conversation' }).click();
    await bob.page.getByRole('searchbox', { name: 'Search people' }).fill('alice');
    await bob.page.getByRole('button', { name: 'Message Alice Liddell' }).click();
    await composer(bob.page).fill('Hi Alice, got a minute?');
    await composer(bob.page).press('Enter');
    await messages(bob.page).getByText('Hi Alice, got a minute?').waitFor();

    // Alice's tab is open: Bob sees her online, in words, in the header.
    await expect.poll(() => headerPresence(bob.page).innerText(), { timeout: LIVE_MS }).toBe('online');
    // Nobody has read Bob's message yet.
    expect(await messages(bob.page).getByText('Seen', { exact: true }).count()).toBe(0);

    // Alice opens the conversation (her list got it live) and so reads it: Bob sees "Seen".
    await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Bob Builder/ }).click();
    await messages(alice.page).getByText('Hi Alice, got a minute?').waitFor();
    await messages(bob.page).getByText('Seen', { exact: true }).waitFor({ timeout: LIVE_MS });
    await expect.poll(() => headerPresence(alice.page).innerText(), { timeout: LIVE_MS }).toBe('online');

    // Alice types: Bob sees it; she clears the box: it goes.
    await composer(alice.page).pressSequentially('Sure, one sec', { delay: 40 });
    await typingStatus(bob.page).waitFor({ timeout: LIVE_MS });
    expect(await typingStatus(bob.page).innerText()).toBe('Alice Liddell is typing…');
    await bob.page.screenshot({ path: join(SCREENSHOT_DIR, 'presence-bob-typing.png') });
    await composer(alice.page).fill('');
    await typingStatus(bob.page).waitFor({ state: 'detached', timeout: LIVE_MS });

    // She types again and sends: the indicator goes and the message arrives.
    await composer(alice.page).pressSequentially('Sure, go ahead', { delay: 40 });
    await typingStatus(bob.page).waitFor({ timeout: LIVE_MS });
    await composer(alice.page).press('Enter');
    await messages(bob.page).getByText('Sure, go ahead').waitFor({ timeout: LIVE_MS });
    await typingStatus(bob.page).waitFor({ state: 'detached', timeout: LIVE_MS });

    // Bob replies; Alice's open, focused tab reads it; "Seen" moves under the newest message.
    await composer(bob.page).fill('Great, thanks!');
    await composer(bob.page).press('Enter');
    await messages(alice.page).getByText('Great, thanks!').waitFor({ timeout: LIVE_MS });
    await expect
      .poll(() => messages(bob.page).locator('article', { hasText: 'Great, thanks!' }).getByText('Seen', { exact: true }).count(), { timeout: LIVE_MS })
      .toBe(1);
    expect(await messages(bob.page).getByText('Seen', { exact: true }).count()).toBe(1);

    // Bob's view: presence in the header and the list, "Seen" under his message.
    await bob.page.screenshot({ path: join(SCREENSHOT_DIR, 'presence-bob.png') });

    // Alice's tab goes to the background: the real activity monitor reports idle, Bob sees away.
    await alice.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect.poll(() => headerPresence(bob.page).innerText(), { timeout: LIVE_MS }).toBe('away');
    // The list row for the direct conversation says the same.
    const row = bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Alice Liddell/ });
    await expect.poll(() => row.locator('.presence').innerText(), { timeout: LIVE_MS }).toBe('away');

    // Alice leaves entirely: after the grace period Bob sees when she was last seen.
    await alice.context.close();
    await expect.poll(() => headerPresence(bob.page).innerText(), { timeout: LIVE_MS }).toBe('last seen just now');
    await bob.page.setViewportSize({ width: 360, height: 720 });
    await bob.page.screenshot({ path: join(SCREENSHOT_DIR, 'presence-bob-phone.png') });
  });

  it('shows "Seen by 2" in a group, naming the readers on focus', async () => {
    const dan = await signUp('dan', 'Dan Dare');
    const eve = await signUp('eve', 'Eve Moneypenny');
    const fay = await signUp('fay', 'Fay Wray');

    await dan.page.getByRole('button', { name: 'New conversation' }).click();
    await dan.page.getByRole('button', { name: 'Group' }).click();
    await dan.page.getByRole('textbox', { name: 'Group name' }).fill('Trip');
    for (const handle of ['eve', 'fay']) {
      await dan.page.getByRole('searchbox', { name: 'Search people' }).fill(handle);
      await dan.page.getByRole('button', { name: /^Add / }).click();
    }
    await dan.page.getByRole('button', { name: 'Create group' }).click();
    await composer(dan.page).fill('Train at nine?');
    await composer(dan.page).press('Enter');
    await messages(dan.page).getByText('Train at nine?').waitFor();

    for (const reader of [eve, fay]) {
      await reader.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Trip/ }).click();
      await messages(reader.page).getByText('Train at nine?').waitFor();
    }
    const receipt = messages(dan.page).getByRole('button', { name: /^Seen by 2:/ });
    await receipt.waitFor({ timeout: LIVE_MS });
    const name = await receipt.getAttribute('aria-label');
    expect(name).toMatch(/^Seen by 2: (Eve Moneypenny and Fay Wray|Fay Wray and Eve Moneypenny)$/);
    expect(await receipt.innerText()).toBe('Seen by 2');
    // Keyboard focus shows the names, not only hover.
    await receipt.focus();
    await expect.poll(() => messages(dan.page).locator('.receipt-tooltip').isVisible()).toBe(true);
    await dan.page.screenshot({ path: join(SCREENSHOT_DIR, 'presence-group-seen-by.png') });
  });

  it('hears only the people on screen: a contact shown nowhere is not followed until the members list shows her', async () => {
    const gil = await signUp('gil', 'Gil Grissom');
    await signUp('hal', 'Hal Jordan');
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    contexts.push(context);
    const ida = { context, page: await context.newPage() };
    const idaHello = new Promise<string>((resolve) =>
      ida.page.on('websocket', (ws) => ws.on('framereceived', (f) => String(f.payload).startsWith('{"type":"hello_ok"') && resolve(JSON.parse(String(f.payload)).user.id))),
    );
    await signUpInBrowser(ida.page, server.url, 'ida', 'Ida Wells');
    const idaId = await idaHello;

    await openDirect(gil.page, 'hal', 'Hal Jordan');
    await createGroup(gil.page, 'Night shift', [{ handle: 'ida', displayName: 'Ida Wells' }]);
    // Gil starts afresh on the list: Hal's status shows there (a direct conversation), Ida's nowhere.
    const frames: string[] = [];
    gil.page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await gil.page.goto(server.url);
    const halRow = gil.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Hal Jordan/ });
    await halRow.getByText('online').waitFor({ timeout: LIVE_MS });
    expect(frames.find((f) => f.startsWith('{"type":"hello_ok"'))).toContain('"presence":"watch"');

    // Ida leaves: a tab in the old mode would hear her go offline after the grace; this one does not.
    await ida.context.close();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 2_500));
    expect(frames.filter((f) => f.startsWith('{"type":"presence') && f.includes(idaId))).toEqual([]);

    // Shown in the members list, she is watched and her last status arrives.
    await gil.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Night shift/ }).click();
    await gil.page.getByRole('button', { name: 'Members', exact: true }).click();
    const idaRow = gil.page.getByRole('complementary', { name: 'Members' }).getByRole('listitem').filter({ hasText: 'Ida Wells' });
    await expect.poll(() => frames.some((f) => f.startsWith('{"type":"presence_snapshot"') && f.includes(idaId)), { timeout: LIVE_MS }).toBe(true);
    await idaRow.getByText(/last seen|offline/i).waitFor({ timeout: LIVE_MS });
    await gil.page.screenshot({ path: join(SCREENSHOT_DIR, 'presence-watch-members.png') });
  });
});
