// Issue 10, direct uploads in the browser: with STORAGE=s3 the page PUTs the bytes straight to
// the store (PROTOCOL.md §2, "Direct upload"), never through the gateway, with progress and
// cancel, and says clearly when the bucket's CORS rules keep it out. Real Chromium, the real
// gateway and Postgres; the store is a FAKE S3 (s3rver, see apps/gateway/src/testing/fake-s3.ts:
// no real S3-compatible server installs here), which speaks the REST API and CORS the browser
// uses but does not verify signatures.
import { join } from 'node:path';
import { DeleteBucketCorsCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeS3 } from '@parley/gateway/testing';
import { launchChromium, SCREENSHOT_DIR } from './browser.ts';
import { article, composer, LIVE_MS, messages, openDirect, signUp, type Person } from './chat-helpers.ts';
import { bigPng, centrePixel, draftFiles, png, throttleUploads } from './file-helpers.ts';
import { startStack, type E2eStack } from './gateway.ts';

let fake: Awaited<ReturnType<typeof startFakeS3>>;
let s3: S3Client;
let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** The bucket rule PROTOCOL.md §2 and the README ask for: PUT from the web origin, with the signed x-amz-meta-* headers. */
async function allowBrowserPuts(origin: string): Promise<void> {
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: fake.settings.bucket,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['PUT'], AllowedHeaders: ['x-amz-meta-*'], MaxAgeSeconds: 600 }] },
    }),
  );
}

beforeAll(async () => {
  fake = await startFakeS3();
  s3 = new S3Client({ region: fake.settings.region, endpoint: fake.settings.endpoint, forcePathStyle: true, credentials: fake.settings.credentials });
  stack = await startStack(fake.env);
  await allowBrowserPuts(new URL(stack.url).origin);
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
  s3?.destroy();
  await fake?.stop();
});

const statuses = async (page: Page) => (await draftFiles(page).evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).join();
const uploadCount = async () => Number((await stack.server.deps.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM uploads')).rows[0]?.n);

/** Every request the page makes for file bytes: to the gateway (`/files…`) or to the store. */
function watchUploads(person: Person): string[] {
  const seen: string[] = [];
  const store = new URL(fake.settings.endpoint!).origin;
  person.page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'OPTIONS') return;
    if (url.origin === store) seen.push(`${request.method()} store`);
    else if (url.pathname.startsWith('/files')) seen.push(`${request.method()} ${url.pathname.replace(/[0-9a-f-]{36}/, ':id')}`);
  });
  return seen;
}

describe('direct uploads in the browser (STORAGE=s3, FAKE S3)', () => {
  it('puts the bytes straight into the store, never through the gateway; the other person sees real pixels', async () => {
    const alice = await signUp(browser, stack.url, 'alice', 'Alice Liddell', contexts);
    const bob = await signUp(browser, stack.url, 'bob', 'Bob Builder', contexts);
    await openDirect(alice.page, 'bob', 'Bob Builder');
    const requests = watchUploads(alice);

    await alice.page.getByTestId('file-input').setInputFiles([
      { name: 'orange.png', mimeType: 'image/png', buffer: await png(500, 250, '#ff8800') },
      { name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from('minutes of the meeting\n') },
    ]);
    await expect.poll(() => statuses(alice.page), { timeout: LIVE_MS }).toBe('done,done');
    // Each file: a ticket from the gateway, the bytes to the store, then complete. No POST /files.
    expect(requests.toSorted()).toEqual(
      ['POST /files/direct', 'POST /files/direct', 'PUT store', 'PUT store', 'POST /files/direct/:id/complete', 'POST /files/direct/:id/complete'].toSorted(),
    );
    await composer(alice.page).fill('straight to the bucket');
    await composer(alice.page).press('Enter');
    await messages(alice.page).locator('article[data-seq]').filter({ hasText: 'straight to the bucket' }).waitFor();

    await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Alice Liddell/ }).click();
    const message = article(bob.page, 'straight to the bucket');
    const image = message.getByRole('img', { name: 'orange.png' });
    await image.waitFor({ timeout: LIVE_MS });
    const [r, g, b] = await centrePixel(image);
    expect(r).toBeGreaterThan(230);
    expect(g).toBeGreaterThan(110);
    expect(g).toBeLessThan(160);
    expect(b).toBeLessThan(40);
    const card = message.getByRole('link', { name: /minutes\.txt/ });
    await expect.poll(() => card.textContent()).toMatch(/minutes\.txt.*23 bytes/);
    const download = await bob.page.request.get(new URL((await card.getAttribute('href'))!, stack.url).toString());
    expect(download.status()).toBe(200);
    expect(await download.text()).toBe('minutes of the meeting\n');
    await bob.page.screenshot({ path: join(SCREENSHOT_DIR, 'files-direct-received-desktop.png') });
  });

  it('shows the PUT’s progress and cancels it: nothing stored, nothing sent', async () => {
    const carol = await signUp(browser, stack.url, 'carol', 'Carol Danvers', contexts);
    await openDirect(carol.page, 'alice', 'Alice Liddell');
    const requests = watchUploads(carol);
    const before = await uploadCount();
    await throttleUploads(carol, 256 * 1024);

    await carol.page.getByTestId('file-input').setInputFiles({ name: 'slow.png', mimeType: 'image/png', buffer: await bigPng(3_000_000) });
    const progress = carol.page.getByRole('progressbar', { name: 'Uploading slow.png' });
    await expect.poll(() => progress.evaluate((p: HTMLProgressElement) => p.value), { timeout: LIVE_MS }).toBeGreaterThan(0.05);
    expect(await progress.evaluate((p: HTMLProgressElement) => p.value)).toBeLessThan(1);
    expect(requests).toContain('PUT store');
    await carol.page.screenshot({ path: join(SCREENSHOT_DIR, 'files-direct-progress-desktop.png') });
    await carol.page.getByRole('button', { name: 'Cancel upload of slow.png' }).click();
    await expect.poll(() => draftFiles(carol.page).count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requests).not.toContain('POST /files/direct/:id/complete');
    expect(await uploadCount()).toBe(before);
  });

  it('says the store cannot be reached when the bucket’s CORS rules keep the page out, and Retry works once they allow it', async () => {
    const dave = await signUp(browser, stack.url, 'dave', 'Dave Bowman', contexts);
    await openDirect(dave.page, 'alice', 'Alice Liddell');
    await s3.send(new DeleteBucketCorsCommand({ Bucket: fake.settings.bucket }));
    try {
      await dave.page.getByTestId('file-input').setInputFiles({ name: 'blocked.txt', mimeType: 'text/plain', buffer: Buffer.from('through the front door') });
      const chip = draftFiles(dave.page).first();
      await expect.poll(() => chip.getAttribute('data-status'), { timeout: LIVE_MS }).toBe('failed');
      expect(await chip.textContent()).toMatch(/Could not reach the file store/);
      await dave.page.screenshot({ path: join(SCREENSHOT_DIR, 'files-direct-store-unreachable-desktop.png') });
    } finally {
      await allowBrowserPuts(new URL(stack.url).origin);
    }
    await dave.page.getByRole('button', { name: 'Retry', exact: true }).click();
    await expect.poll(() => draftFiles(dave.page).first().getAttribute('data-status'), { timeout: LIVE_MS }).toBe('done');
    await composer(dave.page).fill('second try');
    await composer(dave.page).press('Enter');
    await article(dave.page, 'second try').locator('a', { hasText: 'blocked.txt' }).waitFor();
  });
});
