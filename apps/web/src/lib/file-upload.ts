import { AttachmentSchema, DirectUploadTicketSchema, type Attachment, type DirectUploadTicket } from '@parley/protocol';
import { CSRF_HEADER } from './api-client.ts';

/** Why an upload failed, in words for the person, and whether trying again can help. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface UploadOptions {
  /** Bytes sent so far, out of `total`. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

export type UploadFn = (file: Blob, name: string, options?: UploadOptions) => Promise<Attachment>;

/** How often, and how long apart, `complete` is asked again while the store does not show the PUT yet (409). */
const COMPLETE_ATTEMPTS = 4;
const COMPLETE_RETRY_MS = 500;

const cancelled = () => new DOMException('Upload cancelled', 'AbortError');

/**
 * Uploads a file, straight to the file store when the server offers it (PROTOCOL.md §2, "Direct
 * upload": `POST /files/direct`, a PUT to the store, then `complete`), else through the gateway
 * (`POST /files`). The first 404 from `/files/direct` (a server on local disk, or one that
 * predates direct uploads) is remembered, so later files go straight to `POST /files`. Either way
 * the result is the same stored file, not yet visible to anyone else: a send that names it makes
 * it part of the conversation.
 */
export function createUploader(): UploadFn {
  // Whether this server offers direct uploads, as its answer to the first ticket asked for.
  // Files picked together wait for that answer rather than each asking; a first ask that failed
  // (the network) proves nothing, and the next file asks again.
  let offered: Promise<boolean> | undefined;
  return async (file, name, options = {}) => {
    if (offered === undefined || (await offered)) {
      const asking = requestTicket(file, name, options.signal);
      offered ??= asking.then(
        (ticket) => ticket !== 'not_found',
        () => {
          offered = undefined;
          return true;
        },
      );
      const ticket = await asking;
      if (ticket !== 'not_found') {
        // Without its type, the PUT carries no Content-Type: no CORS rule is needed for one (the
        // type is sniffed from the bytes on completion anyway), only for the signed x-amz-meta-*.
        await sendRequest('PUT', ticket.url, ticket.headers, file.slice(0, file.size, ''), options, 'store');
        return completeDirect(ticket.uploadId, options.signal);
      }
    }
    return asAttachment(await sendRequest('POST', `/files?name=${encodeURIComponent(name)}`, CSRF_HEADER, file, options, 'gateway'));
  };
}

/** `POST /files/direct`: the signed PUT, or `not_found` when this server has no direct uploads. */
async function requestTicket(file: Blob, name: string, signal: AbortSignal | undefined): Promise<DirectUploadTicket | 'not_found'> {
  const response = await gatewayFetch('/files/direct', { name, size: file.size, ...(file.type ? { type: file.type } : {}) }, signal);
  if (response.status === 404) return 'not_found';
  const body = await readJson(response);
  if (response.status !== 201) throw refusal(response.status, body);
  const parsed = DirectUploadTicketSchema.safeParse(body);
  if (!parsed.success) throw new UploadError('The server answered strangely', true);
  return parsed.data;
}

/** `POST /files/direct/<id>/complete`, again a few times while the store does not show the PUT yet (409). */
async function completeDirect(uploadId: string, signal: AbortSignal | undefined): Promise<Attachment> {
  for (let attempt = 1; ; attempt++) {
    const response = await gatewayFetch(`/files/direct/${encodeURIComponent(uploadId)}/complete`, undefined, signal);
    const body = await readJson(response);
    if (response.status === 201) return asAttachment({ status: 201, body });
    if (response.status !== 409 || attempt === COMPLETE_ATTEMPTS) throw refusal(response.status, body);
    await new Promise((resolve) => setTimeout(resolve, COMPLETE_RETRY_MS));
    if (signal?.aborted) throw cancelled();
  }
}

async function gatewayFetch(path: string, json: unknown, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...CSRF_HEADER, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw new UploadError('Network error: check your connection', true, { cause: error });
  }
}

const readJson = (response: Response): Promise<unknown> => response.json().catch(() => undefined);

/**
 * Sends the bytes with XMLHttpRequest, the one browser API that reports upload progress: to the
 * gateway (`POST /files`) or to the store (the signed PUT, with exactly its headers; the browser
 * sets Content-Length from the file, which is what was signed).
 */
function sendRequest(
  method: 'POST' | 'PUT',
  url: string,
  headers: Record<string, string>,
  file: Blob,
  options: UploadOptions,
  to: 'gateway' | 'store',
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [header, value] of Object.entries(headers)) xhr.setRequestHeader(header, value);
    if (to === 'gateway') xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (to === 'gateway') return resolve({ status: xhr.status, body: xhr.response as unknown });
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body: undefined });
      // The store's refusal is in its own words (S3 XML): a late or altered PUT. Starting again signs a new one.
      reject(new UploadError(`The file store refused the upload (HTTP ${xhr.status})`, true));
    };
    xhr.onerror = () =>
      reject(new UploadError(to === 'store' ? 'Could not reach the file store: check your connection' : 'Network error: check your connection', true));
    xhr.onabort = () => reject(cancelled());
    if (options.signal?.aborted) return reject(cancelled());
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

function asAttachment({ status, body }: { status: number; body: unknown }): Attachment {
  if (status !== 201) throw refusal(status, body);
  const parsed = AttachmentSchema.safeParse(body);
  if (!parsed.success) throw new UploadError('The server answered strangely', true);
  return parsed.data;
}

/** The server's refusal in its words (§2's `{error, message}`); retryable when waiting can help. */
function refusal(status: number, body: unknown): UploadError {
  const message = typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' ? body.message : `Upload failed (HTTP ${status})`;
  return new UploadError(message, status >= 500 || status === 429 || status === 0);
}

/** Sizes read the same everywhere, the upload limit in the server's errors included (binary units). */
export { formatFileSize } from '@parley/protocol';

/** A short label for a file card's icon: its extension, or FILE. */
export function fileBadge(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  return /^[A-Za-z0-9]{1,4}$/.test(ext) ? ext.toUpperCase() : 'FILE';
}
