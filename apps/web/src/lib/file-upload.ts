import { AttachmentSchema, type Attachment } from '@parley/protocol';
import { CSRF_HEADER } from './api-client.ts';

/** Why an upload failed, in words for the person, and whether trying again can help. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface UploadOptions {
  /** Bytes sent so far, out of `total`. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * POST /files (PROTOCOL.md "Files") with XMLHttpRequest, the one browser API that reports
 * upload progress. Resolves with the stored file, not yet visible to anyone else: a send that
 * names it makes it part of the conversation.
 */
export function uploadFile(file: Blob, name: string, options: UploadOptions = {}): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/files?name=${encodeURIComponent(name)}`);
    for (const [header, value] of Object.entries(CSRF_HEADER)) xhr.setRequestHeader(header, value);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (xhr.status === 201) {
        const parsed = AttachmentSchema.safeParse(body);
        return parsed.success ? resolve(parsed.data) : reject(new UploadError('The server answered strangely', true));
      }
      const message = typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' ? body.message : `Upload failed (HTTP ${xhr.status})`;
      reject(new UploadError(message, xhr.status >= 500 || xhr.status === 429 || xhr.status === 0));
    };
    xhr.onerror = () => reject(new UploadError('Network error: check your connection', true));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    if (options.signal?.aborted) return reject(new DOMException('Upload cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Sizes read the same everywhere, the upload limit in the server's errors included (binary units). */
export { formatFileSize } from '@parley/protocol';

/** A short label for a file card's icon: its extension, or FILE. */
export function fileBadge(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  return /^[A-Za-z0-9]{1,4}$/.test(ext) ? ext.toUpperCase() : 'FILE';
}
