// Issue 7, as a person sees it: nothing written is lost when the network goes away, not even
// across a reload without a network. Real Chromium, the real gateway and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, PASSWORD } from './browser.ts';
import { accountMenu, accountMenuButton, article, composer, conversationLink, LIVE_MS, messages, openDirect, send, signUp } from './chat-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';
import { banner, committed, logBodies, offlineReady, screenshotBoth, stateOf } from './offline-helpers.ts';

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

async function write(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** How often `text` appears in the log's text. */
async function countIn(page: Page, text: string): Promise<number> {
  return (await messages(page).innerText()).split(text).length - 1;
}

describe('offline in the browser', () => {
  it('says so within 5 s; messages written offline wait, survive a reload, and arrive once, in order', async () => {
    const alice = await signUp(browser, stack.url, 'alice', 'Alice Liddell', contexts);
    const bob = await signUp(browser, stack.url, 'bob', 'Bob Builder', contexts);
    await openDirect(alice.page, 'bob', 'Bob Builder');
    await send(alice.page, 'Before the tunnel');
    await conversationLink(bob.page, /Alice Liddell/).click();
    await messages(bob.page).getByText('Before the tunnel').waitFor();
    await offlineReady(alice.page);

    const wentOffline = Date.now();
    await alice.context.setOffline(true);
    await banner(alice.page, 'Waiting for connection…').waitFor({ timeout: 5_000 });
    expect(Date.now() - wentOffline).toBeLessThan(5_000);
    await expect(banner(alice.page, 'Waiting for connection…').innerText()).resolves.toContain('sent when you’re back online');

    await write(alice.page, 'Offline one');
    await write(alice.page, 'Offline two');
    for (const text of ['Offline one', 'Offline two']) await stateOf(alice.page, text, 'Waiting for connection…').waitFor();
    await screenshotBoth(alice.page, 'offline-waiting');

    // A reload without a network: the service worker serves the app, the offline copy the
    // history, IndexedDB the two unsent messages.
    await alice.page.reload();
    expect(await alice.page.evaluate(() => navigator.onLine)).toBe(false);
    await banner(alice.page, 'Waiting for connection…').waitFor();
    await messages(alice.page).getByText('Before the tunnel').waitFor();
    for (const text of ['Offline one', 'Offline two']) await stateOf(alice.page, text, 'Waiting for connection…').waitFor();
    expect(await logBodies(alice.page)).toEqual(['Before the tunnel', 'Offline one', 'Offline two']);
    await alice.page.getByRole('heading', { level: 1, name: 'Bob Builder' }).waitFor();
    await screenshotBoth(alice.page, 'offline-reloaded');

    await alice.context.setOffline(false);
    await banner(alice.page, 'Back online').waitFor({ timeout: LIVE_MS });
    await screenshotBoth(alice.page, 'back-online');
    for (const text of ['Offline one', 'Offline two']) await committed(alice.page, text).waitFor({ timeout: LIVE_MS });
    await messages(bob.page).getByText('Offline two').waitFor({ timeout: LIVE_MS });

    // Once each, in the order written: on both screens, and in what the server stored.
    await bob.page.reload();
    await messages(bob.page).getByText('Offline two').waitFor();
    for (const page of [alice.page, bob.page]) {
      expect(await logBodies(page)).toEqual(['Before the tunnel', 'Offline one', 'Offline two']);
      for (const text of ['Offline one', 'Offline two']) expect(await countIn(page, text)).toBe(1);
    }
    expect(await messages(alice.page).locator('article:not([data-seq])').count()).toBe(0);
    await banner(alice.page, 'Back online').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('a waiting message can be cancelled: it is gone, also after a reload, and never sent', async () => {
    const carol = await signUp(browser, stack.url, 'carol', 'Carol Danvers', contexts);
    const dave = await signUp(browser, stack.url, 'dave', 'Dave Lister', contexts);
    await openDirect(carol.page, 'dave', 'Dave Lister');
    await send(carol.page, 'Hello Dave');
    await conversationLink(dave.page, /Carol Danvers/).click();
    await messages(dave.page).getByText('Hello Dave').waitFor();
    await offlineReady(carol.page);

    // Reloaded offline, so the message below never touches a socket (one written while the
    // old socket was still open may reach the server anyway: see the next test).
    await carol.context.setOffline(true);
    await carol.page.reload();
    await banner(carol.page, 'Waiting for connection…').waitFor({ timeout: 5_000 });
    await write(carol.page, 'Never mind this one');
    await stateOf(carol.page, 'Never mind this one', 'Waiting for connection…').waitFor();
    await article(carol.page, 'Never mind this one').getByRole('button', { name: 'Cancel' }).click();
    await article(carol.page, 'Never mind this one').waitFor({ state: 'detached' });
    // Never on the wire: no 'may still arrive' warning.
    expect(await carol.page.getByRole('alert').filter({ hasText: 'Cancelled' }).count()).toBe(0);
    // Gone from the persisted outbox too: a reload does not bring it back.
    await carol.page.reload();
    await banner(carol.page, 'Waiting for connection…').waitFor();
    await messages(carol.page).getByText('Hello Dave').waitFor();
    expect(await logBodies(carol.page)).toEqual(['Hello Dave']);

    // Sends keep their order: had the cancelled one gone out, Dave would see it before this.
    await carol.context.setOffline(false);
    await banner(carol.page, 'Back online').waitFor({ timeout: LIVE_MS });
    await send(carol.page, 'After the cancel');
    await messages(dave.page).getByText('After the cancel').waitFor({ timeout: LIVE_MS });
    expect(await logBodies(dave.page)).toEqual(['Hello Dave', 'After the cancel']);
  });

  it('cancelling a message that already went on the wire says it may still arrive', async () => {
    const kim = await signUp(browser, stack.url, 'kim', 'Kim Possible', contexts);
    await signUp(browser, stack.url, 'lou', 'Lou Reed', contexts);
    await openDirect(kim.page, 'lou', 'Lou Reed');
    await send(kim.page, 'Hi Lou');

    // The socket is still open for the SDK's 3 s liveness check: the message goes out on it
    // (Chromium holds the frame), then the socket is declared dead and it waits.
    await kim.context.setOffline(true);
    await write(kim.page, 'Maybe too late');
    await stateOf(kim.page, 'Maybe too late', 'Waiting for connection…').waitFor({ timeout: 10_000 });
    await article(kim.page, 'Maybe too late').getByRole('button', { name: 'Cancel' }).click();
    await kim.page.getByRole('alert').filter({ hasText: 'Cancelled. It was already on its way, so it may still arrive' }).waitFor();
    await article(kim.page, 'Maybe too late').waitFor({ state: 'detached' });
  });

  it('a message refused for good says why, with Retry and Cancel', async () => {
    const gus = await signUp(browser, stack.url, 'gus', 'Gus Host', contexts);
    const hal = await signUp(browser, stack.url, 'hal', 'Hal Guest', contexts);
    await gus.page.getByRole('button', { name: 'New conversation' }).click();
    await gus.page.getByRole('button', { name: 'Group', exact: true }).click();
    await gus.page.getByRole('textbox', { name: 'Group name' }).fill('Plans');
    await gus.page.getByRole('searchbox', { name: 'Search people' }).fill('hal');
    await gus.page.getByRole('button', { name: 'Add Hal Guest' }).click();
    await gus.page.getByRole('button', { name: 'Create group' }).click();
    await send(gus.page, 'Dinner on Friday?');
    await conversationLink(hal.page, /Plans/).click();
    await messages(hal.page).getByText('Dinner on Friday?').waitFor();
    await offlineReady(hal.page);

    // Hal answers offline; meanwhile Gus removes him, so the server refuses it (not_member).
    await hal.context.setOffline(true);
    await banner(hal.page, 'Waiting for connection…').waitFor({ timeout: 5_000 });
    await write(hal.page, 'Count me in');
    await stateOf(hal.page, 'Count me in', 'Waiting for connection…').waitFor();
    await gus.page.getByRole('button', { name: 'Members' }).click();
    await gus.page.getByRole('button', { name: 'Manage Hal Guest' }).click();
    const manage = gus.page.getByRole('dialog', { name: 'Manage Hal Guest' });
    await manage.getByRole('button', { name: 'Remove from group' }).click();
    await manage.getByRole('button', { name: 'Remove', exact: true }).click();
    await messages(gus.page).getByText(/removed Hal Guest/).waitFor({ timeout: LIVE_MS });
    await hal.context.setOffline(false);

    // The SDK's words for not_member (describeSendState), never the server's raw message.
    await stateOf(hal.page, 'Count me in', "Not sent: You can't send to this conversation any more.").waitFor({ timeout: LIVE_MS });
    await article(hal.page, 'Count me in').getByRole('button', { name: 'Retry' }).waitFor();
    await screenshotBoth(hal.page, 'failed-with-cancel');
    await article(hal.page, 'Count me in').getByRole('button', { name: 'Cancel' }).click();
    await article(hal.page, 'Count me in').waitFor({ state: 'detached' });
    expect(await messages(gus.page).innerText()).not.toContain('Count me in');
  });

  it('signing out with an unsent message asks first, then deletes it from this device', async () => {
    const ivy = await signUp(browser, stack.url, 'ivy', 'Ivy Green', contexts);
    const jon = await signUp(browser, stack.url, 'jon', 'Jon Snow', contexts);
    await openDirect(ivy.page, 'jon', 'Jon Snow');
    await send(ivy.page, 'Hi Jon');
    await conversationLink(jon.page, /Ivy Green/).click();
    await messages(jon.page).getByText('Hi Jon').waitFor();

    await offlineReady(ivy.page);

    // Reloaded offline: the message never touches a socket, so deleting it is final.
    await ivy.context.setOffline(true);
    await ivy.page.reload();
    await write(ivy.page, 'Unsent goodbye');
    await stateOf(ivy.page, 'Unsent goodbye', 'Waiting for connection…').waitFor({ timeout: 5_000 });
    const signOut = { click: () => accountMenu(ivy.page, 'Sign out') };
    const question = ivy.page.getByRole('dialog', { name: 'Sign out?' });

    await signOut.click();
    await question.getByText('1 message hasn’t been sent yet. Signing out deletes it from this device.').waitFor();
    await screenshotBoth(ivy.page, 'sign-out-unsent');
    await question.getByRole('button', { name: 'Stay signed in' }).click();
    await question.waitFor({ state: 'detached' });
    await stateOf(ivy.page, 'Unsent goodbye', 'Waiting for connection…').waitFor();

    await signOut.click();
    await question.getByRole('button', { name: 'Delete and sign out' }).click();
    await ivy.page.waitForURL(/\/sign-in$/);
    // Nothing of Ivy's stays: no outbox database, no drafts, copies or signed-in record.
    expect(await ivy.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('parley')))).toEqual([]);
    expect(await ivy.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley.')))).toEqual([]);

    // Signing in again does not send it (the SDK would, had it been kept): order proves it.
    await ivy.context.setOffline(false);
    await ivy.page.getByRole('textbox', { name: 'Handle' }).fill('ivy');
    await ivy.page.getByLabel('Password').fill(PASSWORD);
    await ivy.page.getByRole('button', { name: 'Sign in' }).click();
    await conversationLink(ivy.page, /Jon Snow/).click();
    await send(ivy.page, 'Signed in again');
    await messages(jon.page).getByText('Signed in again').waitFor({ timeout: LIVE_MS });
    expect(await logBodies(jon.page)).toEqual(['Hi Jon', 'Signed in again']);
  });

  it('a reload offline shows the last user; back online with the session gone, it goes to sign-in', async () => {
    const erin = await signUp(browser, stack.url, 'erin', 'Erin Hunter', contexts);
    await offlineReady(erin.page);
    const cookie = (await erin.context.cookies(stack.url)).find((c) => c.name === 'parley_session');
    expect(cookie).toBeDefined();

    await erin.context.setOffline(true);
    await erin.page.reload();
    await accountMenuButton(erin.page).waitFor();
    await banner(erin.page, 'Waiting for connection…').waitFor();

    // The session ends elsewhere (another device signs out) while this page is offline.
    const origin = new URL(stack.url).origin;
    const response = await fetch(`${origin}/trpc/auth.signOut`, {
      method: 'POST',
      headers: { cookie: `parley_session=${cookie?.value}`, 'x-parley-csrf': '1', origin, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.ok).toBe(true);

    await erin.context.setOffline(false);
    await erin.page.waitForURL(/\/sign-in$/, { timeout: LIVE_MS });
    // And the record is gone: an offline reload now cannot show Erin's app.
    expect(await erin.page.evaluate(() => localStorage.getItem('parley.signed-in.v1'))).toBeNull();
  });
});
