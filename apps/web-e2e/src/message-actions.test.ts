// Issue 9 in the browser: reactions, edits, deletions and replies, as two people (and two tabs)
// see them live in real Chromium against the real gateway and Postgres.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import type { ParleyClient } from '@parley/client';
import { launchChromium, SCREENSHOT_DIR } from './browser.ts';
import {
  article,
  composer,
  conversationIdOf,
  conversationLink,
  LIVE_MS,
  menuAction,
  messages,
  openDirect,
  PHONE,
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

const pill = (page: Page, text: string, emoji: string) => article(page, text).getByRole('button', { name: new RegExp(`^${emoji} \\d+$`) });

/** Holds this page's chat_react frames on their way to the server until released (or refused). */
async function holdReactions(page: Page): Promise<{ hold(on: boolean): void; held(): string[]; release(): void; refuse(message: string): void }> {
  let holding = false;
  let queue: Array<{ frame: string; server: WebSocketRoute; page: WebSocketRoute }> = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      if (holding && typeof frame === 'string' && frame.includes('"chat_react"')) queue.push({ frame, server, page: ws });
      else server.send(frame);
    });
  });
  return {
    hold: (on) => {
      holding = on;
    },
    held: () => queue.map((q) => q.frame),
    release: () => {
      for (const q of queue) q.server.send(q.frame);
      queue = [];
    },
    refuse: (message) => {
      for (const q of queue) {
        const { clientId } = JSON.parse(q.frame) as { clientId: string };
        q.page.send(JSON.stringify({ type: 'error', code: 'conflict', message, ref: clientId, retryable: false }));
      }
      queue = [];
    },
  };
}

describe('message actions in the browser', () => {
  it('reacts instantly, converges for the other person and in a second tab, and shows who reacted', async () => {
    const alice = await signUp(browser, stack.url, 'alice', 'Alice Liddell', contexts);
    const bob = await signUp(browser, stack.url, 'bob', 'Bob Builder', contexts);
    // Bob's socket goes through a route that can hold his reactions back: proof the UI does not wait.
    const bobSocket = await holdReactions(bob.page);
    await bob.page.reload();

    await openDirect(alice.page, 'bob', 'Bob Builder');
    await send(alice.page, 'Lunch today?');
    const aliceTab2 = await alice.context.newPage();
    await aliceTab2.goto(alice.page.url());
    await article(aliceTab2, 'Lunch today?').waitFor();
    await conversationLink(bob.page, /Alice Liddell/).click();
    await article(bob.page, 'Lunch today?').waitFor();

    // Alice reacts through the picker, choosing from the frequent row.
    await (await toolbarButton(alice.page, 'Lunch today?', 'Add reaction')).click();
    const picker = alice.page.getByRole('dialog', { name: 'Choose a reaction' });
    await picker.getByRole('button', { name: '🎉', exact: true }).first().click();
    await expect.poll(() => pill(alice.page, 'Lunch today?', '🎉').getAttribute('aria-pressed')).toBe('true');
    await pill(bob.page, 'Lunch today?', '🎉').filter({ hasText: '1' }).waitFor({ timeout: LIVE_MS });
    expect(await pill(bob.page, 'Lunch today?', '🎉').getAttribute('aria-pressed')).toBe('false');
    await pill(aliceTab2, 'Lunch today?', '🎉').and(aliceTab2.locator('[aria-pressed="true"]')).waitFor({ timeout: LIVE_MS });

    // Bob adds his while his frame is held: his pill changes at once, nobody else's can yet.
    bobSocket.hold(true);
    await pill(bob.page, 'Lunch today?', '🎉').click();
    await bob.page.getByRole('button', { name: '🎉 2', pressed: true }).waitFor();
    expect(bobSocket.held()).toHaveLength(1);
    expect(await pill(alice.page, 'Lunch today?', '🎉').getAttribute('aria-label')).toBe('🎉 1');
    bobSocket.hold(false);
    bobSocket.release();
    for (const page of [alice.page, aliceTab2]) await page.getByRole('button', { name: '🎉 2', pressed: true }).waitFor({ timeout: LIVE_MS });

    // Who reacted, on hover and on keyboard focus.
    await pill(alice.page, 'Lunch today?', '🎉').hover();
    await alice.page.getByRole('tooltip').filter({ hasText: 'You and Bob Builder reacted with 🎉' }).waitFor();
    await pill(bob.page, 'Lunch today?', '🎉').focus();
    await bob.page.getByRole('tooltip').filter({ hasText: 'You and Alice Liddell reacted with 🎉' }).waitFor();

    // Alice takes hers back in her second tab: both of her tabs and Bob converge.
    await pill(aliceTab2, 'Lunch today?', '🎉').click();
    for (const page of [alice.page, aliceTab2]) await page.getByRole('button', { name: '🎉 1', pressed: false }).waitFor({ timeout: LIVE_MS });
    await bob.page.getByRole('button', { name: '🎉 1', pressed: true }).waitFor({ timeout: LIVE_MS });

    // A reaction the server refuses is shown at once, then rolled back with a reason.
    bobSocket.hold(true);
    await (await toolbarButton(bob.page, 'Lunch today?', 'More actions')).click();
    await bob.page.getByRole('menuitem', { name: 'React with 👍' }).click();
    await bob.page.getByRole('button', { name: '👍 1', pressed: true }).waitFor();
    bobSocket.refuse('The message was deleted');
    await bob.page.getByRole('alert').filter({ hasText: 'Couldn’t add your 👍 reaction' }).waitFor();
    await pill(bob.page, 'Lunch today?', '👍').waitFor({ state: 'detached' });
    bobSocket.hold(false);
    expect(await article(alice.page, 'Lunch today?').getByRole('button', { name: /^👍/ }).count()).toBe(0);
  });

  it('edits through the menu and with Up-arrow, and deletes after confirming; the other side sees it live', async () => {
    const ann = await signUp(browser, stack.url, 'ann', 'Ann Editor', contexts);
    const ben = await signUp(browser, stack.url, 'ben', 'Ben Reader', contexts);
    await openDirect(ann.page, 'ben', 'Ben Reader');
    await send(ann.page, 'Meet at the statoin');
    await conversationLink(ben.page, /Ann Editor/).click();
    await article(ben.page, 'Meet at the statoin').waitFor();

    await menuAction(ann.page, 'Meet at the statoin', 'Edit');
    const editor = ann.page.getByRole('textbox', { name: 'Edit message' });
    await expect.poll(() => editor.inputValue()).toBe('Meet at the statoin');
    await editor.fill('Meet at the station');
    await editor.press('Enter');
    await article(ann.page, 'Meet at the station').filter({ hasText: '(edited)' }).waitFor();
    await article(ben.page, 'Meet at the station').filter({ hasText: '(edited)' }).waitFor({ timeout: LIVE_MS });
    expect(await messages(ben.page).getByText('statoin').count()).toBe(0);

    // Up-arrow in the empty composer edits the last message; Escape leaves it as it was.
    await send(ann.page, 'at 5pm');
    await composer(ann.page).press('ArrowUp');
    await expect.poll(() => editor.inputValue()).toBe('at 5pm');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => ann.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Message');
    await composer(ann.page).press('ArrowUp');
    await editor.fill('at 6pm');
    await editor.press('Enter');
    await article(ben.page, 'at 6pm').filter({ hasText: '(edited)' }).waitFor({ timeout: LIVE_MS });

    // Delete asks first; Cancel keeps the message.
    await menuAction(ann.page, 'Meet at the station', 'Delete');
    const dialog = ann.page.getByRole('dialog', { name: 'Delete message' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await article(ann.page, 'Meet at the station').waitFor();
    await menuAction(ann.page, 'Meet at the station', 'Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await article(ann.page, 'This message was deleted').waitFor();
    await article(ben.page, 'This message was deleted').waitFor({ timeout: LIVE_MS });
    expect(await messages(ben.page).getByText('Meet at the station').count()).toBe(0);
    // Ben cannot edit or delete Ann's message: his menu has no such items.
    await (await toolbarButton(ben.page, 'at 6pm', 'More actions')).click();
    const menu = ben.page.getByRole('menu', { name: 'Message actions' });
    await menu.getByRole('menuitem', { name: 'Reply' }).waitFor();
    expect(await menu.getByRole('menuitem', { name: /Edit|Delete/ }).count()).toBe(0);
    await ben.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  });

  it('replies with a quote, jumps to a parent several history pages back, and shows a deleted parent', async () => {
    const cat = await signUp(browser, stack.url, 'cat', 'Cat Parent', contexts);
    const dan = await signUp(browser, stack.url, 'dan', 'Dan Replier', contexts);
    await openDirect(cat.page, 'dan', 'Dan Replier');
    const conversationId = conversationIdOf(cat.page);
    const sdk = await sdkClientOf(cat, stack.url);
    sdkClients.push(sdk);
    // The parent, then 120 more: history pages are 50, so the parent is three pages back.
    const [parentId] = await sendAllAcked(sdk, conversationId, ['Where do we meet tomorrow?']);
    await sendAllAcked(sdk, conversationId, Array.from({ length: 120 }, (_, i) => `filler ${i + 1}`));
    await sendAllAcked(sdk, conversationId, ['Answer me when you can'], parentId);
    await sendAllAcked(sdk, conversationId, ['One more thing']);

    await conversationLink(dan.page, /Cat Parent/).click();
    const reply = article(dan.page, 'Answer me when you can');
    await reply.waitFor();
    // Only the reply's quote names the parent: the parent's own article is not loaded yet.
    expect(await article(dan.page, /^Where do we meet tomorrow\?/).count()).toBe(0);
    const quote = reply.getByRole('button', { name: /^Reply to Cat Parent: Where do we meet tomorrow\?/ });
    await quote.click();
    const parent = messages(dan.page).locator('article[data-highlighted]').filter({ hasText: /^Where do we meet tomorrow\?/ });
    await parent.waitFor({ timeout: LIVE_MS });
    // It is scrolled into the log's view, not just loaded.
    const inView = await parent.evaluate((el) => {
      const log = el.closest('[role="log"]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return box.top >= log.top && box.bottom <= log.bottom;
    });
    expect(inView).toBe(true);

    // Dan replies from the UI: the bar says to whom, Escape cancels, the quote travels with the reply.
    await (await toolbarButton(dan.page, 'One more thing', 'Reply')).click();
    await dan.page.getByText('Replying to').filter({ hasText: 'Cat Parent' }).waitFor();
    await composer(dan.page).press('Escape');
    await dan.page.getByText('Replying to').waitFor({ state: 'detached' });
    // The same by keyboard: the message's one tab stop opens the menu, arrows pick Reply.
    await article(dan.page, /^One more thing/).getByRole('button', { name: 'More actions' }).focus();
    await dan.page.keyboard.press('Enter');
    await expect.poll(() => dan.page.evaluate(() => document.activeElement?.textContent)).toBe('Add reaction…');
    await dan.page.keyboard.press('ArrowDown');
    await dan.page.keyboard.press('Enter');
    await dan.page.getByText('Replying to').filter({ hasText: 'Cat Parent' }).waitFor();
    await expect.poll(() => dan.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Message');
    await send(dan.page, 'Sure, what is it?');
    for (const page of [dan.page, cat.page]) {
      if (page === cat.page) await article(page, 'Sure, what is it?').waitFor({ timeout: LIVE_MS });
      await article(page, 'Sure, what is it?').getByRole('button', { name: /^Reply to (Cat Parent|You): One more thing/ }).waitFor({ timeout: LIVE_MS });
    }
    await expect.poll(() => dan.page.getByText('Replying to').count()).toBe(0);

    // Cat deletes the message Dan answered: his quote says so, live.
    await menuAction(cat.page, /^One more thing/, 'Delete');
    await cat.page.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click();
    await article(dan.page, 'Sure, what is it?').getByRole('button', { name: /^Reply to Cat Parent: Deleted message/ }).waitFor({ timeout: LIVE_MS });
  });

  it('looks right at desktop and phone width: reactions, a reply, an edited and a deleted message (screenshots)', async () => {
    const nia = await signUp(browser, stack.url, 'nia', 'Nia Okafor', contexts);
    const oli = await signUp(browser, stack.url, 'oli', 'Oli Berg', contexts);
    await openDirect(nia.page, 'oli', 'Oli Berg');
    await send(nia.page, 'Morning! Standup moved to 10:30 today');
    await conversationLink(oli.page, /Nia Okafor/).click();
    await send(oli.page, 'Thanks @nia, agenda is at https://example.org/agenda', 'agenda is at');
    await send(oli.page, 'Wrong chat, ignore this');
    await send(nia.page, 'I will bring the notes from Thursday');

    await (await toolbarButton(oli.page, 'Morning! Standup', 'Add reaction')).click();
    await oli.page.getByRole('dialog', { name: 'Choose a reaction' }).getByRole('button', { name: '👍', exact: true }).first().click();
    await (await toolbarButton(nia.page, 'Morning! Standup', 'Add reaction')).click();
    await nia.page.getByRole('dialog', { name: 'Choose a reaction' }).getByRole('button', { name: '🎉', exact: true }).first().click();
    await nia.page.getByRole('button', { name: '👍 1', pressed: false }).click();
    await menuAction(oli.page, 'Wrong chat', 'Delete');
    await oli.page.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click();
    await (await toolbarButton(nia.page, 'agenda is at', 'Reply')).click();
    await send(nia.page, 'Perfect, see you there');
    await menuAction(nia.page, 'I will bring the notes', 'Edit');
    const editor = nia.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('I will bring the notes from Friday');
    await editor.press('Enter');
    for (const page of [nia.page, oli.page]) {
      await article(page, 'from Friday').filter({ hasText: '(edited)' }).waitFor({ timeout: LIVE_MS });
      await article(page, 'This message was deleted').waitFor({ timeout: LIVE_MS });
      await page.getByRole('button', { name: '👍 2' }).waitFor({ timeout: LIVE_MS });
    }
    await composer(nia.page).fill('Draft: @ol');
    await nia.page.getByRole('listbox', { name: 'Mention suggestions' }).waitFor();
    await nia.page.mouse.move(0, 0);
    await nia.page.screenshot({ path: join(SCREENSHOT_DIR, 'actions-desktop.png') });
    await article(nia.page, 'Perfect, see you there').hover();
    await nia.page.screenshot({ path: join(SCREENSHOT_DIR, 'actions-desktop-toolbar.png') });
    await (await toolbarButton(nia.page, 'Morning! Standup', 'More actions')).click();
    await nia.page.getByRole('menu', { name: 'Message actions' }).waitFor();
    await nia.page.screenshot({ path: join(SCREENSHOT_DIR, 'actions-desktop-menu.png') });
    await nia.page.keyboard.press('Escape');
    await (await toolbarButton(oli.page, 'Perfect, see you', 'Add reaction')).click();
    await oli.page.getByRole('dialog', { name: 'Choose a reaction' }).waitFor();
    await oli.page.screenshot({ path: join(SCREENSHOT_DIR, 'actions-desktop-picker.png') });
    await oli.page.keyboard.press('Escape');

    await oli.page.setViewportSize(PHONE);
    await article(oli.page, 'Perfect, see you there').waitFor();
    await oli.page.mouse.move(0, 0);
    await oli.page.screenshot({ path: join(SCREENSHOT_DIR, 'actions-phone.png') });
    // On a phone a long press opens the actions as a sheet; a tap outside closes it.
    const touch = { pointerType: 'touch', isPrimary: true, pointerId: 7, clientX: 120, clientY: 380, bubbles: true };
    const target = article(oli.page, 'Morning! Standup');
    await target.dispatchEvent('pointerdown', touch);
    const sheet = oli.page.getByRole('menu', { name: 'Message actions' });
    await sheet.waitFor();
    await target.dispatchEvent('pointerup', touch);
    await sheet.getByRole('menuitem', { name: 'React with 👍' }).waitFor();
    await oli.page.screenshot({ path: join(SCREENSHOT_DIR, 'actions-phone-menu.png') });
    await oli.page.mouse.click(200, 150);
    await sheet.waitFor({ state: 'detached' });
  });
});
