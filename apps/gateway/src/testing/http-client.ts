import type { PublicUser } from '@parley/protocol';

export interface TrpcCallOptions {
  cookie?: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
}

export interface TrpcResponse<T> {
  status: number;
  data: T | undefined;
  error: { message: string; data: { code: string; httpStatus: number; appCode?: string; fieldErrors?: Record<string, string[]> } } | undefined;
  setCookie: string | null;
}

export interface TestUser {
  user: PublicUser;
  cookie: string;
}

/** One non-batched tRPC call, as a browser on `origin` would make it (CSRF header included). */
export async function trpcCall<T = unknown>(
  origin: string,
  path: string,
  input?: unknown,
  options: TrpcCallOptions = {},
): Promise<TrpcResponse<T>> {
  const method = options.method ?? 'POST';
  const base = `${origin}/trpc/${path}`;
  const url = method === 'GET' && input !== undefined ? `${base}?input=${encodeURIComponent(JSON.stringify(input))}` : base;
  const response = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      'x-parley-csrf': '1',
      origin,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...options.headers,
    },
    body: method === 'POST' ? JSON.stringify(input ?? {}) : undefined,
  });
  const body = (await response.json()) as { result?: { data: unknown }; error?: TrpcResponse<unknown>['error'] };
  return { status: response.status, data: body.result?.data as T | undefined, error: body.error, setCookie: response.headers.get('set-cookie') };
}

export async function signUpUser(origin: string, handle: string, displayName = handle[0]!.toUpperCase() + handle.slice(1)): Promise<TestUser> {
  const res = await trpcCall<{ user: PublicUser }>(origin, 'auth.signUp', { handle, displayName, password: 'correct horse battery' });
  if (!res.data || !res.setCookie) throw new Error(`sign-up failed: ${JSON.stringify(res.error)}`);
  return { user: res.data.user, cookie: res.setCookie.split(';')[0]! };
}
