import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, SCREENSHOT_DIR, signUpWithForm } from './browser.ts';
import { startStack, type E2eStack } from './gateway.ts';

let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.close();
});

async function signUp(handle: string, displayName: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  contexts.push(context);
  const page = await context.newPage();
  await signUpWithForm(page, stack.url, handle, displayName);
  return page;
}

const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });

async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

describe('chat in the browser', () => {
  it('two users open a direct conversation, chat live both ways, and keep history across reload', async () => {
    const alice = await signUp('alice', 'Alice Liddell');
    const bob = await signUp('bob', 'Bob Builder');

    await alice.getByRole('button', { name: 'New conversation' }).click();
    await alice.getByRole('searchbox', { name: 'Search people' }).fill('bob');
    await alice.getByRole('button', { name: 'Message Bob Builder' }).click();

    await send(alice, 'Hi Bob! 👋');
    await messages(alice).getByText('Hi Bob! 👋').waitFor();

    // Bob's list shows the new conversation live; opening it shows Alice's message.
    await bob.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Alice Liddell/ }).click();
    await messages(bob).getByText('Hi Bob! 👋').waitFor();

    await send(bob, 'Hey Alice.\nTwo lines, live.');
    await messages(alice).getByText('Two lines, live.').waitFor();
    await send(alice, 'Got it 🎉');
    await messages(bob).getByText('Got it 🎉').waitFor();

    for (const page of [alice, bob]) {
      await page.reload();
      const log = messages(page);
      await log.getByText('Got it 🎉').waitFor();
      const text = await log.innerText();
      const order = ['Hi Bob! 👋', 'Two lines, live.', 'Got it 🎉'].map((m) => text.indexOf(m));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      // Shown once each, even after live delivery plus reload.
      expect(text.split('Got it 🎉')).toHaveLength(2);
    }
    await alice.screenshot({ path: join(SCREENSHOT_DIR, 'chat-alice.png') });
    await bob.setViewportSize({ width: 390, height: 760 });
    await bob.screenshot({ path: join(SCREENSHOT_DIR, 'chat-bob-phone.png') });
  });
});
