// Issue 7, the harder losses: a connection that dies without the browser noticing, and a
// burst of typing that the server would refuse if it were not paced. Also pins down what
// Chromium's offline emulation does to an open WebSocket (the reason the SDK pings).
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { composer, conversationLink, LIVE_MS, messages, openDirect, send, signUp } from './chat-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';
import { banner, committed, logBodies, screenshotBoth, stateOf, watchForRefusals } from './offline-helpers.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

let stack: E2eStack;
let proxy: TcpProxy;
let proxyUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  // One person reaches the gateway through a proxy the test can cut; its origin must be allowed.
  const port = await freePort();
  proxy = await startTcpProxy(port);
  proxyUrl = `http://localhost:${proxy.port}`;
  stack = await startStack({ PORT: String(port), ALLOWED_ORIGINS: [`http://localhost:${port}`, `http://127.0.0.1:${port}`, proxyUrl].join(',') });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await proxy?.close();
  await stack?.close();
});

describe('connection loss in the browser', () => {
  it('a connection that dies without the browser noticing shows within 5 s of writing, and recovers', async () => {
    const alice = await signUp(browser, proxyUrl, 'alice', 'Alice Liddell', contexts);
    const bob = await signUp(browser, stack.url, 'bob', 'Bob Builder', contexts);
    await openDirect(alice.page, 'bob', 'Bob Builder');
    await send(alice.page, 'Still here');
    await conversationLink(bob.page, /Alice Liddell/).click();
    await messages(bob.page).getByText('Still here').waitFor();

    // The path dies: no close, no error, no `offline` event; the browser still thinks it is online.
    proxy.blackhole();
    const died = Date.now();
    await composer(alice.page).fill('Through the dead link');
    await composer(alice.page).press('Enter');
    await banner(alice.page, 'Reconnecting…').waitFor({ timeout: 5_000 });
    expect(Date.now() - died).toBeLessThan(5_000);
    expect(await alice.page.evaluate(() => navigator.onLine)).toBe(true);
    await stateOf(alice.page, 'Through the dead link', 'Waiting for connection…').waitFor();
    await screenshotBoth(alice.page, 'reconnecting');

    proxy.restore();
    await banner(alice.page, 'Back online').waitFor({ timeout: LIVE_MS });
    await committed(alice.page, 'Through the dead link').waitFor({ timeout: LIVE_MS });
    await messages(bob.page).getByText('Through the dead link').waitFor({ timeout: LIVE_MS });
    for (const page of [alice.page, bob.page]) expect(await logBodies(page)).toEqual(['Still here', 'Through the dead link']);
  });

  it('100 messages typed at about 20 a second all arrive, in order, and no refusal is ever shown', async () => {
    const carol = await signUp(browser, stack.url, 'carol', 'Carol Danvers', contexts);
    const dave = await signUp(browser, stack.url, 'dave', 'Dave Lister', contexts);
    await openDirect(carol.page, 'dave', 'Dave Lister');
    await send(carol.page, 'Get ready');
    await conversationLink(dave.page, /Carol Danvers/).click();
    await messages(dave.page).getByText('Get ready').waitFor();
    const refusals = await watchForRefusals(carol.page);

    const bodies = Array.from({ length: 100 }, (_, i) => `Quick ${String(i + 1).padStart(3, '0')}`);
    // Typed in the page, through the composer's own input and Enter handlers, on a 50 ms beat:
    // driving each keystroke from here costs a round trip per message, and on a busy 2-core
    // machine that fell to 7–11 messages/s, too slow to need the pacing this test is about.
    const typedPerSecond = await carol.page.evaluate(async (texts) => {
      const box = document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]');
      const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
      if (box === null || setValue === undefined) throw new Error('no composer');
      box.focus();
      const started = performance.now();
      for (const [i, text] of texts.entries()) {
        setValue.call(box, text);
        box.dispatchEvent(new Event('input', { bubbles: true }));
        box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        // A typist's pace, not a wait for anything: 20 a second.
        const ahead = started + (i + 1) * 50 - performance.now();
        if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
      }
      return texts.length / ((performance.now() - started) / 1000);
    }, bodies);
    // Well above what the SDK's bucket lets through (24 at once, then 10/s): pacing must work.
    expect(typedPerSecond).toBeGreaterThan(15);

    await committed(carol.page, 'Quick 100').waitFor({ timeout: 30_000 });
    await messages(dave.page).getByText('Quick 100').waitFor({ timeout: LIVE_MS });
    const expected = ['Get ready', ...bodies];
    expect(await logBodies(carol.page)).toEqual(expected);
    expect(await logBodies(dave.page)).toEqual(expected);
    // Stored in the order written: each seq above the one before.
    const seqs = await messages(carol.page).locator('article[data-seq]').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await refusals()).toEqual([]);
  });

  it('Chromium’s setOffline leaves an open WebSocket open and holds its frames (so only a ping can tell)', async () => {
    const erin = await signUp(browser, stack.url, 'erin', 'Erin Hunter', contexts);
    await erin.page.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}/ws`);
      const frames: string[] = [];
      Object.assign(window, { __ws: ws, __frames: frames });
      ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)).type);
      await new Promise((resolve) => (ws.onopen = resolve));
      ws.send(JSON.stringify({ type: 'hello', protocol: 2, client: 'web-e2e-probe' }));
      while (!frames.includes('hello_ok')) await new Promise((r) => setTimeout(r, 20));
    });
    await erin.context.setOffline(true);
    // A ping while offline: for 3 s (the SDK's liveness timeout) nothing comes back, and the
    // socket still says OPEN. Absence needs a window; this one is the SDK's own.
    const offline = await erin.page.evaluate(async () => {
      const w = window as unknown as { __ws: WebSocket; __frames: string[] };
      w.__ws.send(JSON.stringify({ type: 'ping', nonce: 'offline' }));
      await new Promise((r) => setTimeout(r, 3_000));
      return { readyState: w.__ws.readyState, pong: w.__frames.includes('pong') };
    });
    expect(offline).toEqual({ readyState: WebSocketOpen, pong: false });
    await erin.context.setOffline(false);
    // Back online, the held frames flow: the same socket delivers the pong.
    await erin.page.waitForFunction(() => (window as unknown as { __frames: string[] }).__frames.includes('pong'), undefined, { timeout: LIVE_MS });
    expect(await erin.page.evaluate(() => (window as unknown as { __ws: WebSocket }).__ws.readyState)).toBe(WebSocketOpen);
  });
});

const WebSocketOpen = 1;
