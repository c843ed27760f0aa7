import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUpInBrowser } from '../browser.ts';
import { instrumentCalls, launchCallChromium, SCREENSHOT_DIR } from './call-browser.ts';
import { startCallStack, type CallStack } from './call-stack.ts';

// Named *.calls.ts so the main web-e2e run (src/**/*.test.ts) skips it: these run through
// run-call-tests.sh inside a private network namespace (see vitest.calls.config.ts).

let browser: Browser;
const contexts: BrowserContext[] = [];
/** Each page's warnings and errors, printed when a test fails. */
const consoleLines = new Map<Page, string[]>();

beforeAll(async () => {
  browser = await launchCallChromium();
});
// A failed test leaves a picture of every page, to see what the user would have seen.
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  for (const [i, context] of contexts.entries()) {
    for (const page of context.pages()) {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `call-failure-${ctx.task.name.slice(0, 12)}-${i}.png`) }).catch(() => undefined);
      const pcs = await page
        .evaluate(() =>
          (window as unknown as { __testPcs: RTCPeerConnection[] }).__testPcs.map((pc) => ({
            connection: pc.connectionState,
            ice: pc.iceConnectionState,
            signaling: pc.signalingState,
            local: pc.localDescription?.type,
            remote: pc.remoteDescription?.type,
          })),
        )
        .catch(() => 'unavailable');
      console.log(`page ${i}: peer connections ${JSON.stringify(pcs)}\n${(consoleLines.get(page) ?? []).join('\n')}`);
    }
  }
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

async function signUp(stack: CallStack, handle: string, displayName: string, viewport = { width: 1000, height: 680 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  await instrumentCalls(context);
  const page = await context.newPage();
  const lines: string[] = [];
  consoleLines.set(page, lines);
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') lines.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  await signUpInBrowser(page, stack.url, handle, displayName);
  return page;
}

/** Alice opens a direct conversation with Bob and says hello; Bob opens it from his list. */
async function openDirect(alice: Page, bob: Page, bobHandle: string, bobName: string, aliceName: string): Promise<void> {
  await alice.getByRole('button', { name: 'New conversation' }).click();
  await alice.getByRole('searchbox', { name: 'Search people' }).fill(bobHandle);
  await alice.getByRole('button', { name: `Message ${bobName}` }).click();
  await alice.getByRole('textbox', { name: 'Message' }).fill('Call?');
  await alice.getByRole('textbox', { name: 'Message' }).press('Enter');
  await bob.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: new RegExp(aliceName) }).click();
  await messages(bob).getByText('Call?').waitFor();
}

const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });
const callRegion = (page: Page) => page.getByRole('region', { name: 'Call' });
const incoming = (page: Page) => page.getByRole('dialog', { name: 'Incoming call' });
const RING_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames the remote <video> has decoded (the browser's own count, not an app value). */
const remoteFrames = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('video[data-testid^="remote-video-"]');
    return video === null ? -1 : video.getVideoPlaybackQuality().totalVideoFrames;
  });

/** Sum of inbound audio energy over this page's live peer connections (RTCStats). */
const inboundAudioEnergy = (page: Page) =>
  page.evaluate(async () => {
    let energy = 0;
    for (const pc of (window as unknown as { __testPcs: RTCPeerConnection[] }).__testPcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; totalAudioEnergy?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') energy += s.totalAudioEnergy ?? 0;
      });
    }
    return energy;
  });

/** Whether the audio this page sends is enabled (the track on the RTP sender). */
const sendingAudioEnabled = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __testPcs: RTCPeerConnection[] }).__testPcs
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getSenders())
      .filter((s) => s.track?.kind === 'audio')
      .map((s) => s.track?.enabled),
  );

/** The call event arrives live in each open conversation, and is still there after a reload. */
async function expectInHistory(pages: Page[], text: string | RegExp): Promise<void> {
  for (const page of pages) {
    await messages(page).getByText(text).last().waitFor({ timeout: 10_000 });
    await page.reload();
    await messages(page).getByText(text).last().waitFor();
  }
}

async function expectFramesGrowing(page: Page): Promise<void> {
  await expect.poll(() => remoteFrames(page), { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await remoteFrames(page);
  await sleep(2_000);
  const after = await remoteFrames(page);
  // 15 fps asked; a loaded 2-core machine still decodes several frames a second.
  expect(after - before).toBeGreaterThan(8);
}

describe('calls in the browser', () => {
  let stack: CallStack;
  let alice: Page;
  let bob: Page;
  beforeAll(async () => {
    // Short ring so "missed" takes seconds; still ample for the accept in the first test.
    // One stack per file: a second Next.js server in the same process answers 500.
    stack = await startCallStack({ CALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
    alice = await signUp(stack, 'alice', 'Alice Liddell');
    bob = await signUp(stack, 'bob', 'Bob Builder', { width: 390, height: 760 });
    await openDirect(alice, bob, 'bob', 'Bob Builder', 'Alice Liddell');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('Alice video-calls Bob: ringing, accept, video both ways, mute reaches Bob, hang-up, history', async () => {
    await alice.getByRole('button', { name: 'Video call' }).click();
    await callRegion(alice).getByText('Ringing…').waitFor();
    const panel = incoming(bob);
    await panel.waitFor();
    await expect.poll(() => panel.innerText()).toMatch(/Alice Liddell[\s\S]*Video call/);
    await bob.screenshot({ path: join(SCREENSHOT_DIR, 'call-incoming.png') });
    await panel.getByRole('button', { name: 'Accept' }).click();
    await panel.waitFor({ state: 'detached' });

    // Connected on both sides: the timer replaces "Connecting…", and remote video decodes.
    for (const page of [alice, bob]) await callRegion(page).getByLabel('Call duration').waitFor({ timeout: 20_000 });
    await expectFramesGrowing(alice);
    await expectFramesGrowing(bob);
    await expect.poll(() => callRegion(alice).innerText(), { timeout: 10_000 }).toMatch(/connection/);
    await alice.screenshot({ path: join(SCREENSHOT_DIR, 'call-active.png') });
    await bob.screenshot({ path: join(SCREENSHOT_DIR, 'call-active-phone.png') });

    // Mute: Alice's sent track is disabled, Bob's inbound audio energy stops growing, and Bob's
    // tile says so (the in-band data channel, no server round trip).
    const e0 = await inboundAudioEnergy(bob);
    await sleep(2_000);
    const speaking = (await inboundAudioEnergy(bob)) - e0;
    expect(speaking).toBeGreaterThan(0);
    await callRegion(alice).getByRole('button', { name: 'Mute' }).click();
    await callRegion(alice).getByRole('button', { name: 'Unmute' }).waitFor();
    expect(await sendingAudioEnabled(alice)).toEqual([false]);
    await callRegion(bob).getByLabel('Alice Liddell is muted').waitFor();
    await sleep(1_000); // let the jitter buffer drain what was already on the way
    const e1 = await inboundAudioEnergy(bob);
    await sleep(2_000);
    const muted = (await inboundAudioEnergy(bob)) - e1;
    expect(muted).toBeLessThan(speaking * 0.05);

    await callRegion(bob).getByRole('button', { name: 'Hang up' }).click();
    for (const page of [alice, bob]) await callRegion(page).waitFor({ state: 'detached', timeout: 10_000 });
    await expectInHistory([alice, bob], /Video call, \d+ s/);
    // The conversation list preview shows the same words.
    await expect.poll(() => alice.getByRole('list', { name: 'Conversations' }).innerText()).toMatch(/Video call, \d+ s/);
  });

  it('Bob declines: Alice sees "Declined" and both histories say "Declined video call"', async () => {
    await alice.getByRole('button', { name: 'Video call' }).click();
    await incoming(bob).getByRole('button', { name: 'Decline' }).click();
    await callRegion(alice).getByText('Declined', { exact: true }).waitFor();
    await expectInHistory([alice, bob], 'Declined video call');
    await callRegion(alice).waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('rings every tab: Alice cancels while ringing, then an accept in one tab stops the other', async () => {
    const bobTab2 = await bob.context().newPage();
    consoleLines.set(bobTab2, []);
    await bobTab2.goto(bob.url());
    await messages(bobTab2).getByText('Call?').first().waitFor();

    // Cancel while ringing: both tabs ring, and both stop; nobody was connected.
    await alice.getByRole('button', { name: 'Audio call' }).click();
    for (const tab of [bob, bobTab2]) await incoming(tab).waitFor();
    await callRegion(alice).getByRole('button', { name: 'Hang up' }).click();
    for (const tab of [bob, bobTab2]) await incoming(tab).waitFor({ state: 'detached' });
    await messages(alice).getByText('Cancelled call').last().waitFor({ timeout: 10_000 });
    await callRegion(alice).waitFor({ state: 'detached', timeout: 10_000 });

    // The second tab answers: the first stops ringing and says where the call went.
    await alice.getByRole('button', { name: 'Audio call' }).click();
    for (const tab of [bob, bobTab2]) await incoming(tab).waitFor();
    await incoming(bobTab2).getByRole('button', { name: 'Accept' }).click();
    await incoming(bob).waitFor({ state: 'detached' });
    await bob.getByRole('status').filter({ hasText: 'Answered on another device' }).waitFor();
    for (const page of [alice, bobTab2]) await callRegion(page).getByLabel('Call duration').waitFor({ timeout: 20_000 });
    expect(await callRegion(bob).count()).toBe(0);
    await callRegion(alice).getByRole('button', { name: 'Hang up' }).click();
    for (const page of [alice, bobTab2]) await callRegion(page).waitFor({ state: 'detached', timeout: 10_000 });
    await messages(bob).getByText(/Audio call, \d+ s/).last().waitFor({ timeout: 10_000 });
    await bobTab2.close();
  });

  it('rings out: "No answer" for the caller, "Missed video call" in both histories', async () => {
    await alice.getByRole('button', { name: 'Video call' }).click();
    await incoming(bob).waitFor();
    await callRegion(alice).getByText('No answer').waitFor({ timeout: RING_TIMEOUT_MS + 5_000 });
    await incoming(bob).waitFor({ state: 'detached' });
    await expectInHistory([alice, bob], 'Missed video call');
    await bob.screenshot({ path: join(SCREENSHOT_DIR, 'call-history-phone.png') });
  });

  it('in a group, someone who declined can join the running audio call later', async () => {
    const carol = await signUp(stack, 'carol', 'Carol Ann', { width: 390, height: 700 });
    await alice.getByRole('button', { name: 'New conversation' }).click();
    await alice.getByRole('button', { name: 'Group' }).click();
    await alice.getByRole('textbox', { name: 'Group name' }).fill('Trio');
    for (const handle of ['bob', 'carol']) {
      await alice.getByRole('searchbox', { name: 'Search people' }).fill(handle);
      await alice.getByRole('button', { name: /^Add / }).click();
    }
    await alice.getByRole('button', { name: 'Create group' }).click();
    await alice.getByRole('heading', { name: 'Trio' }).waitFor();

    await alice.getByRole('button', { name: 'Audio call' }).click();
    await incoming(bob).getByRole('button', { name: 'Accept' }).click();
    await incoming(carol).getByRole('button', { name: 'Decline' }).click();
    await callRegion(alice).getByLabel('Call duration').waitFor({ timeout: 20_000 });

    await carol.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Trio/ }).click();
    await carol.getByRole('button', { name: 'Join call' }).click();
    await callRegion(carol).getByLabel('Call duration').waitFor({ timeout: 20_000 });
    // Carol has a link to each of the others, and they see her tile.
    for (const name of ['Alice Liddell', 'Bob Builder']) await callRegion(carol).getByRole('figure', { name }).waitFor();
    await callRegion(alice).getByRole('figure', { name: 'Carol Ann' }).waitFor();
    await expect.poll(() => callRegion(carol).getByText(/Good connection|Fair connection|Poor connection/).count(), { timeout: 20_000 }).toBe(2);

    // Carol leaves: Alice and Bob talk on. Then Bob leaves, and Alice, alone, is ended by the server.
    await callRegion(carol).getByRole('button', { name: 'Hang up' }).click();
    await callRegion(carol).waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => callRegion(alice).getByRole('figure', { name: 'Carol Ann' }).count()).toBe(0);
    await callRegion(bob).getByLabel('Call duration').waitFor();
    await callRegion(bob).getByRole('button', { name: 'Hang up' }).click();
    for (const page of [bob, alice]) await callRegion(page).waitFor({ state: 'detached', timeout: 10_000 });
    await expectInHistory([carol], /Audio call, \d+ s/);
  });
});
