// Shared steps for the chat browser tests: people, conversations and the log as a user sees them.
import { WebSocket } from 'ws';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createParleyClient, type ParleyClient } from '@parley/client';
import { signUpInBrowser } from './browser.ts';

/** Live updates cross one gateway: well under this, even on a busy 2-core machine. */
export const LIVE_MS = 15_000;
export const DESKTOP = { width: 1100, height: 760 };
export const PHONE = { width: 390, height: 780 };

export interface Person {
  context: BrowserContext;
  page: Page;
}

/** A new browser profile (its own cookies), signed up and showing the app. */
export async function signUp(browser: Browser, baseUrl: string, handle: string, displayName: string, contexts: BrowserContext[]): Promise<Person> {
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  await signUpInBrowser(page, baseUrl, handle, displayName);
  return { context, page };
}

/** The signed-in user's id in this browser context (`auth.me` with its cookie). */
export async function userIdOf(person: Person, baseUrl: string): Promise<string> {
  const response = await person.page.request.get(new URL('/trpc/auth.me', baseUrl).toString());
  return ((await response.json()) as { result: { data: { user: { id: string } } } }).result.data.user.id;
}

export const messages = (page: Page): Locator => page.getByRole('log', { name: 'Messages' });
export const composer = (page: Page): Locator => page.getByRole('textbox', { name: 'Message' });
/** The article of the message whose text includes `text`. */
export const article = (page: Page, text: string | RegExp): Locator => messages(page).getByRole('article').filter({ hasText: text });
export const conversationLink = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name });

/**
 * Sends from the composer and waits until the server committed it (it has a seq). `shown` is
 * what to look for when the log renders it differently (mentions show display names).
 */
export async function send(page: Page, text: string, shown: string = text.split('\n')[0] ?? text): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await messages(page).locator('article[data-seq]').filter({ hasText: shown }).last().waitFor();
}

/** Opens (or creates) the direct conversation with `displayName` through the New conversation dialog. */
export async function openDirect(page: Page, handle: string, displayName: string): Promise<void> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('searchbox', { name: 'Search people' }).fill(handle);
  await page.getByRole('button', { name: `Message ${displayName}` }).click();
  await page.getByRole('heading', { level: 1, name: displayName }).waitFor();
  await composer(page).waitFor();
}

/** Creates a group through the New conversation dialog and waits for its page. */
export async function createGroup(page: Page, title: string, people: readonly { handle: string; displayName: string }[]): Promise<void> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('button', { name: 'Group', exact: true }).click();
  await page.getByRole('textbox', { name: 'Group name' }).fill(title);
  for (const person of people) {
    await page.getByRole('searchbox', { name: 'Search people' }).fill(person.handle);
    await page.getByRole('button', { name: `Add ${person.displayName}` }).click();
  }
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await composer(page).waitFor();
}

/** The header's account button (avatar and name), which opens the account menu. */
export const accountMenuButton = (page: Page): Locator => page.getByRole('button', { name: /^Account menu for / });

/** Opens the account menu and picks `item` ("Account settings", "Sign out"). */
export async function accountMenu(page: Page, item: 'Account settings' | 'Sign out'): Promise<void> {
  await accountMenuButton(page).click();
  await page.getByRole('menu', { name: 'Account' }).getByRole('menuitem', { name: item }).click();
}

/** The conversation's id from the page URL (/c/<id>). */
export function conversationIdOf(page: Page): string {
  const id = new URL(page.url()).pathname.split('/').pop();
  if (!id) throw new Error(`not on a conversation page: ${page.url()}`);
  return id;
}

/** Hovers the message, then uses its toolbar button (what a mouse user does). */
export async function toolbarButton(page: Page, text: string | RegExp, name: string): Promise<Locator> {
  const a = article(page, text).last();
  await a.hover();
  return a.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name, exact: true });
}

/** Opens the message's "More actions" menu and picks `item`. */
export async function menuAction(page: Page, text: string | RegExp, item: string): Promise<void> {
  await (await toolbarButton(page, text, 'More actions')).click();
  await page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: item, exact: true }).click();
}

/** The same user as `person`, from Node, through the real SDK: for sending many messages fast. */
export async function sdkClientOf(person: Person, baseUrl: string): Promise<ParleyClient> {
  const cookie = (await person.context.cookies(baseUrl)).find((c) => c.name === 'parley_session');
  if (cookie === undefined) throw new Error('no session cookie in this browser context');
  const origin = new URL(baseUrl).origin;
  const client = createParleyClient({
    url: `${origin.replace(/^http/, 'ws')}/ws`,
    WebSocket: WebSocket as never,
    webSocketOptions: { headers: { cookie: `parley_session=${cookie.value}` }, origin },
    clientName: 'web-e2e-seed',
  });
  const ready = new Promise<void>((resolve) => client.on('ready', () => resolve()));
  client.connect();
  await ready;
  return client;
}

/** Sends each body in order and resolves when all are committed (the SDK retries rate limits). */
export async function sendAllAcked(client: ParleyClient, conversationId: string, bodies: readonly string[], replyTo?: string): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) {
    const entry = client.send(conversationId, body, replyTo ? { replyTo } : {});
    ids.push(
      await new Promise<string>((resolve, reject) => {
        const off = client.on('send_state', (e) => {
          if (e.clientId !== entry.clientId) return;
          if (e.state === 'failed') {
            off();
            reject(new Error(`send failed: ${e.error?.message}`));
          } else if (e.state === 'sent' && e.event?.kind === 'message_created') {
            off();
            resolve(e.event.message.id);
          }
        });
      }),
    );
  }
  return ids;
}
