// The few HTTP (tRPC) calls the suite makes, as PROTOCOL.md §2 describes them.
import type { Message, PublicUser } from '@parley/protocol';

export const PASSWORD = 'fault suite password';

export class TrpcError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly appCode: string | undefined,
    message: string,
  ) {
    super(`${path} failed (${status}${appCode ? ` ${appCode}` : ''}): ${message}`);
  }
}

export interface Session {
  user: PublicUser;
  /** `parley_session=…` */
  cookie: string;
}

interface TrpcBody<T> {
  result?: { data: T };
  error?: { message: string; data?: { appCode?: string } };
}

async function call<T>(origin: string, path: string, input: unknown, kind: 'query' | 'mutation', cookie?: string): Promise<{ data: T; setCookie: string | null }> {
  const headers: Record<string, string> = { origin, ...(cookie ? { cookie } : {}) };
  let url = `${origin}/trpc/${path}`;
  let init: RequestInit;
  if (kind === 'query') {
    if (input !== undefined) url += `?input=${encodeURIComponent(JSON.stringify(input))}`;
    init = { method: 'GET', headers };
  } else {
    init = { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'x-parley-csrf': '1' }, body: JSON.stringify(input ?? {}) };
  }
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body = (await response.json()) as TrpcBody<T>;
  if (!body.result) throw new TrpcError(path, response.status, body.error?.data?.appCode, body.error?.message ?? 'no result');
  return { data: body.result.data, setCookie: response.headers.get('set-cookie') };
}

const cookieOf = (setCookie: string | null, path: string): string => {
  const cookie = setCookie?.split(';')[0];
  if (!cookie) throw new Error(`${path} set no session cookie`);
  return cookie;
};

export async function signUp(origin: string, handle: string): Promise<Session> {
  const res = await call<{ user: PublicUser }>(origin, 'auth.signUp', { handle, displayName: handle, password: PASSWORD }, 'mutation');
  return { user: res.data.user, cookie: cookieOf(res.setCookie, 'auth.signUp') };
}

/** A second device of the same person: a session of its own. */
export async function signIn(origin: string, handle: string): Promise<Session> {
  const res = await call<{ user: PublicUser }>(origin, 'auth.signIn', { handle, password: PASSWORD }, 'mutation');
  return { user: res.data.user, cookie: cookieOf(res.setCookie, 'auth.signIn') };
}

export async function signOut(origin: string, cookie: string): Promise<void> {
  await call(origin, 'auth.signOut', undefined, 'mutation', cookie);
}

export async function createGroup(origin: string, cookie: string, title: string, memberIds: string[]): Promise<string> {
  return (await call<{ conversationId: string }>(origin, 'conversations.createGroup', { title, memberIds }, 'mutation', cookie)).data.conversationId;
}

export async function openDirect(origin: string, cookie: string, userId: string): Promise<string> {
  return (await call<{ conversationId: string }>(origin, 'conversations.openDirect', { userId }, 'mutation', cookie)).data.conversationId;
}

export async function removeMember(origin: string, cookie: string, conversationId: string, userId: string): Promise<void> {
  await call(origin, 'conversations.removeMember', { conversationId, userId }, 'mutation', cookie);
}

/** Every message of the conversation in its current state (`messages.history`, paged backwards), ascending. */
export async function fullHistory(origin: string, cookie: string, conversationId: string): Promise<{ messages: Message[]; throughSeq: number }> {
  const pages: Message[][] = [];
  let beforeSeq: number | undefined;
  let throughSeq = 0;
  for (;;) {
    const input = { conversationId, limit: 100, ...(beforeSeq !== undefined ? { beforeSeq } : {}) };
    const page = (await call<{ messages: Message[]; hasMore: boolean; throughSeq: number }>(origin, 'messages.history', input, 'query', cookie)).data;
    if (beforeSeq === undefined) throughSeq = page.throughSeq;
    pages.unshift(page.messages);
    const oldest = page.messages[0];
    if (!page.hasMore || oldest === undefined) break;
    beforeSeq = oldest.seq;
  }
  return { messages: pages.flat(), throughSeq };
}
