import type { Attachment } from '@parley/protocol';
import type { TestUser } from './http-client.ts';

export interface UploadAnswer {
  status: number;
  attachment: Attachment | undefined;
  error: { error: string; message: string; maxBytes?: number; retryAfterMs?: number } | undefined;
}

/** POST /files as the web UI does it: session cookie, CSRF header, the bytes as the body. */
export async function uploadFile(
  origin: string,
  user: TestUser | undefined,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  name: string,
  headers: Record<string, string> = {},
): Promise<UploadAnswer> {
  const response = await fetch(`${origin}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'x-parley-csrf': '1', origin, 'content-type': 'application/octet-stream', ...(user ? { cookie: user.cookie } : {}), ...headers },
    body: bytes,
    // A stream body (no Content-Length, chunked) needs this in Node's fetch.
    ...(bytes instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const body = (await response.json()) as Attachment | UploadAnswer['error'];
  return response.status === 201 ? { status: 201, attachment: body as Attachment, error: undefined } : { status: response.status, attachment: undefined, error: body as UploadAnswer['error'] };
}

/** GET /files/:id (or its thumbnail) with `user`'s cookie: status, headers and bytes. */
export async function downloadFile(
  origin: string,
  user: TestUser | undefined,
  id: string,
  variant: '' | '/thumbnail' | `?${string}` = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${origin}/files/${id}${variant}`, { headers: { ...(user ? { cookie: user.cookie } : {}), ...headers } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** What POST /files/direct answers on success. */
export interface DirectTicket {
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** POST /files/direct, then (`uploadId` given) POST /files/direct/:uploadId/complete, as a client does. */
export async function directUploadCall<T>(origin: string, user: TestUser, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'x-parley-csrf': '1', origin, cookie: user.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export const startDirectUpload = (origin: string, user: TestUser, body: unknown) =>
  directUploadCall<DirectTicket & UploadAnswer['error']>(origin, user, '/files/direct', body);

export const completeDirectUpload = (origin: string, user: TestUser, uploadId: string) =>
  directUploadCall<Attachment & UploadAnswer['error']>(origin, user, `/files/direct/${uploadId}/complete`);

/** The PUT a client makes straight to the store, with the headers it was told to send. */
export async function putToStore(ticket: DirectTicket, bytes: Uint8Array): Promise<number> {
  const response = await fetch(ticket.url, { method: ticket.method, headers: ticket.headers, body: bytes } as RequestInit);
  await response.arrayBuffer();
  return response.status;
}
