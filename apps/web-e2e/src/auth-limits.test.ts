import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, PASSWORD, SCREENSHOT_DIR, signUpInBrowser } from './browser.ts';
import { startStack, type E2eStack } from './gateway.ts';

let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Three wrong passwords per handle, so the test need not make ten.
  stack = await startStack({ SIGN_IN_PER_HANDLE: '3' });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.close();
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  contexts.push(context);
  return context.newPage();
}

describe('limits people meet in the browser', () => {
  it('guessing a password is stopped with a wait people can read, and the right password waits too', async () => {
    const owner = await newPage();
    await signUpInBrowser(owner, stack.url, 'victor', 'Victor Victim');

    const guesser = await newPage();
    await guesser.goto(`${stack.url}/sign-in`);
    // The form's own alert (Next.js keeps a route announcer with that role too).
    const alert = guesser.locator('form').getByRole('alert');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await guesser.getByRole('textbox', { name: 'Handle' }).fill('victor');
      await guesser.getByLabel('Password').fill(`guess number ${attempt}`);
      await guesser.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => alert.textContent()).toMatch(/wrong|incorrect|invalid/i);
      await alert.waitFor();
    }
    await guesser.getByLabel('Password').fill('guess number 4');
    await guesser.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alert.textContent()).toBe('Too many attempts, try again in 15 minutes');

    // The lock is on the handle: even the right password waits, so guessing gains nothing.
    await guesser.getByLabel('Password').fill(PASSWORD);
    await guesser.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alert.textContent()).toMatch(/^Too many attempts, try again in (15|30) minutes$/);
    expect(guesser.url()).toContain('/sign-in');
    await guesser.screenshot({ path: join(SCREENSHOT_DIR, 'auth-too-many-attempts.png') });

    // Victor's own session is untouched by it.
    await owner.reload();
    await owner.getByRole('button', { name: 'New conversation' }).waitFor();
  });

  it('people search asks for three characters before it searches', async () => {
    const page = await newPage();
    await signUpInBrowser(page, stack.url, 'searcher', 'Sam Searcher');
    await page.getByRole('button', { name: 'New conversation' }).click();
    const box = page.getByRole('searchbox', { name: 'Search people' });
    await box.fill('vi');
    await page.getByText('Type at least 3 characters.').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'search-min-chars.png') });
    await box.fill('vic');
    await page.getByRole('button', { name: 'Message Victor Victim' }).waitFor();
  });
});
