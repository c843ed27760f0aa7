// Issue 10, "Notifications", in the page: the tab's title and icon count unread messages; a
// direct message while every tab is hidden gives exactly one desktop notification and one chime
// (two tabs open: one alerts); muting the conversation stops it, and the choice shows live on
// the other tab. Notifications and sounds are observed by wrapping the browser's own APIs.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, SCREENSHOT_DIR } from './browser.ts';
import { article, conversationIdOf, conversationLink, LIVE_MS, openDirect, send, signUp } from './chat-helpers.ts';
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

interface Observed {
  notes: { title: string; body: string; tag: string; renotify: boolean }[];
  chimes: number;
  closed: number;
}

declare global {
  interface Window {
    __observed: Observed;
    __setHidden: (hidden: boolean) => void;
  }
}

/**
 * Runs before the app in every page of the context: records each `new Notification` and each
 * chime (two oscillators), and lets the test hide the tab (headless pages are always "visible").
 */
function observeAlerts(): void {
  const observed: Observed = { notes: [], chimes: 0, closed: 0 };
  window.__observed = observed;
  const Real = window.Notification;
  class Recorded extends EventTarget {
    static get permission() {
      return Real.permission;
    }
    static requestPermission() {
      return Real.requestPermission();
    }
    onclick: unknown = null;
    constructor(title: string, options: NotificationOptions & { renotify?: boolean } = {}) {
      super();
      observed.notes.push({ title, body: options.body ?? '', tag: options.tag ?? '', renotify: options.renotify === true });
    }
    close(): void {
      observed.closed += 1;
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
  let oscillators = 0;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    oscillators += 1;
    observed.chimes = Math.floor(oscillators / 2);
    return create.call(this);
  };
  let hidden = false;
  const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : visibility.get!.call(document)) });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  const hasFocus = Document.prototype.hasFocus;
  document.hasFocus = () => !hidden && hasFocus.call(document);
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

const observed = (page: Page) => page.evaluate(() => window.__observed);
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => window.__setHidden(h), hidden);
const iconHref = (page: Page) => page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel~="icon"]')?.href ?? '');
const level = (page: Page) => page.getByRole('combobox', { name: 'Notifications' });
const dnd = (page: Page) => page.getByRole('combobox', { name: 'Do not disturb' });

describe('notifications in the page', () => {
  it('counts unread in the title and icon, alerts once from one of two hidden tabs, and not once muted', async () => {
    const alice = await signUp(browser, stack.url, 'alice', 'Alice Adams', contexts);
    const bob = await signUp(browser, stack.url, 'bob', 'Bob Builder', contexts);
    await alice.context.grantPermissions(['notifications'], { origin: new URL(stack.url).origin });
    await alice.context.addInitScript(observeAlerts);
    await alice.page.reload();
    await alice.page.getByRole('button', { name: 'New conversation' }).waitFor();
    expect(await alice.page.evaluate(() => typeof window.__setHidden)).toBe('function');
    expect(await alice.page.title()).toBe('Parley');
    const plainIcon = await iconHref(alice.page);

    // Two unread direct messages: "(2) Parley" and a badge on the icon.
    await openDirect(bob.page, 'alice', 'Alice Adams');
    const conversationId = conversationIdOf(bob.page);
    await send(bob.page, 'first hello');
    await send(bob.page, 'second hello');
    await expect.poll(() => alice.page.title(), { timeout: LIVE_MS }).toBe('(2) Parley');
    const badged = await iconHref(alice.page);
    expect(badged).not.toBe(plainIcon);
    expect(badged.startsWith('data:image/svg+xml,')).toBe(true);
    expect(decodeURIComponent(badged)).toContain('>2</text>');
    await alice.page.screenshot({ path: join(SCREENSHOT_DIR, 'notify-unread-title.png') });
    // Headless Chromium draws no tab strip: show the badged icon on a page of its own to look at it.
    const iconPage = await alice.context.newPage();
    await iconPage.setContent(`<img alt="" width="64" height="64" src="${badged}"> <img alt="" width="32" height="32" src="${badged}"> <img alt="" width="16" height="16" src="${badged}">`);
    await iconPage.locator('img').last().evaluate((img: HTMLImageElement) => img.decode());
    await iconPage.screenshot({ path: join(SCREENSHOT_DIR, 'notify-favicon.png'), clip: { x: 0, y: 0, width: 200, height: 80 } });
    await iconPage.close();

    // A second tab; both hidden. One direct message: one notification, one chime, in all.
    const tab2 = await alice.context.newPage();
    await tab2.goto(stack.url);
    await conversationLink(tab2, /Bob Builder/).waitFor({ timeout: LIVE_MS });
    await expect.poll(() => tab2.title(), { timeout: LIVE_MS }).toBe('(2) Parley');
    const tabs = [alice.page, tab2];
    for (const tab of tabs) await setHidden(tab, true);
    const before = await Promise.all(tabs.map(observed));
    await send(bob.page, 'are you there?');
    await expect
      .poll(async () => (await Promise.all(tabs.map(observed))).flatMap((o) => o.notes).filter((n) => n.body === 'are you there?').length, { timeout: LIVE_MS })
      .toBe(1);
    await alice.page.waitForTimeout(1_500); // a second tab that alerts late would show by now
    const after = await Promise.all(tabs.map(observed));
    const notes = after.flatMap((o) => o.notes).filter((n) => n.body === 'are you there?');
    expect(notes).toEqual([{ title: 'Bob Builder', body: 'are you there?', tag: `parley:${conversationId}`, renotify: true }]);
    const chimes = after.reduce((n, o) => n + o.chimes, 0) - before.reduce((n, o) => n + o.chimes, 0);
    expect(chimes).toBe(1);
    expect(await alice.page.title()).toBe('(3) Parley');

    // Both tabs open the conversation; one mutes it; the other follows live.
    for (const tab of tabs) {
      await setHidden(tab, false);
      await conversationLink(tab, /Bob Builder/).click();
      await article(tab, 'are you there?').waitFor({ timeout: LIVE_MS });
    }
    await expect.poll(() => alice.page.title(), { timeout: LIVE_MS }).toBe('Parley');
    // Reading the conversation took its notification away.
    await expect.poll(async () => (await Promise.all(tabs.map(observed))).reduce((n, o) => n + o.closed, 0), { timeout: LIVE_MS }).toBe(1);
    expect(await level(alice.page).inputValue()).toBe('all');
    await level(alice.page).selectOption('none');
    await expect.poll(() => level(tab2).inputValue(), { timeout: LIVE_MS }).toBe('none');
    // The list says so too, on both tabs.
    for (const tab of [alice.page, tab2]) await conversationLink(tab, /Bob Builder/).getByRole('img', { name: 'Muted' }).waitFor({ timeout: LIVE_MS });
    await screenshotBoth(tab2, 'notify-muted-second-tab');

    // Muted: the message arrives and counts, but nothing alerts.
    for (const tab of tabs) await setHidden(tab, true);
    const mutedBefore = (await Promise.all(tabs.map(observed))).reduce((n, o) => n + o.notes.length + o.chimes, 0);
    await send(bob.page, 'muted now');
    for (const tab of tabs) await article(tab, 'muted now').waitFor({ timeout: LIVE_MS });
    await alice.page.waitForTimeout(1_500);
    const mutedAfter = (await Promise.all(tabs.map(observed))).reduce((n, o) => n + o.notes.length + o.chimes, 0);
    expect(mutedAfter).toBe(mutedBefore);
    // After a reload the choice is still there (stored on the server).
    await tab2.reload();
    await expect.poll(() => level(tab2).inputValue(), { timeout: LIVE_MS }).toBe('none');

    // Do not disturb, set in one tab, shows in the other at once, and silences even an unmuted conversation.
    for (const tab of tabs) await setHidden(tab, false);
    await level(alice.page).selectOption('all');
    await expect.poll(() => level(tab2).inputValue(), { timeout: LIVE_MS }).toBe('all');
    await dnd(alice.page).selectOption('1h');
    await expect.poll(() => dnd(tab2).inputValue(), { timeout: LIVE_MS }).toBe('on');
    expect(await dnd(tab2).locator('option:checked').innerText()).toMatch(/^Do not disturb until /);
    await tab2.screenshot({ path: join(SCREENSHOT_DIR, 'notify-dnd-second-tab.png') });
    for (const tab of tabs) await setHidden(tab, true);
    const dndBefore = (await Promise.all(tabs.map(observed))).reduce((n, o) => n + o.notes.length + o.chimes, 0);
    await send(bob.page, 'during do not disturb');
    for (const tab of tabs) await article(tab, 'during do not disturb').waitFor({ timeout: LIVE_MS });
    await alice.page.waitForTimeout(1_500);
    expect((await Promise.all(tabs.map(observed))).reduce((n, o) => n + o.notes.length + o.chimes, 0)).toBe(dndBefore);
  });

  it('offers desktop notifications only after the person has been active, and remembers "Not now"', async () => {
    const cara = await signUp(browser, stack.url, 'cara', 'Cara Chen', contexts);
    const prompt = cara.page.getByRole('region', { name: 'Desktop notifications' });
    await openDirect(cara.page, 'alice', 'Alice Adams');
    expect(await prompt.count()).toBe(0);
    const permission = await cara.page.evaluate(() => Notification.permission);
    await send(cara.page, 'hello Alice');
    expect(permission).toBe('default');
    await prompt.waitFor({ timeout: LIVE_MS });
    await prompt.getByRole('button', { name: 'Turn on desktop notifications' }).waitFor();
    await screenshotBoth(cara.page, 'notify-prompt');
    await prompt.getByRole('button', { name: 'Not now' }).click();
    expect(await prompt.count()).toBe(0);
    await cara.page.reload();
    await send(cara.page, 'hello again');
    await cara.page.waitForTimeout(500);
    expect(await prompt.count()).toBe(0);
  });
});
