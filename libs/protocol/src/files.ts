import { z } from 'zod';

// models.ts imports this file: ids are spelled z.uuid() here (as IdSchema is) to keep imports one-way.
const IdSchema = z.uuid();

/** Most files one message carries. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** Per-file size limit when the server sets none (MAX_UPLOAD_BYTES): 25 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** Longest file name kept, in UTF-16 code units (longer names are cut, keeping the extension). */
export const MAX_FILE_NAME_CHARS = 255;

/**
 * The only types served inline and thumbnailed, and only when sniffed from the bytes
 * themselves. Everything else (SVG and HTML included) is served as a download.
 */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

export function isInlineImageType(mime: string): boolean {
  return (INLINE_IMAGE_TYPES as readonly string[]).includes(mime);
}

/** A file on a message (or an upload not yet sent, as the upload endpoint answers). */
export const AttachmentSchema = z.object({
  id: IdSchema,
  /** As the uploader named it, without any directory part. Display only: never a path. */
  name: z.string(),
  /** Bytes. */
  size: z.number().int().nonnegative(),
  /** Sniffed from the content, never taken from the client; `application/octet-stream` when unknown. */
  mime: z.string(),
  /** Pixels, for inline images only: decoded in full (null otherwise, truncated images too). Lay the thumbnail out before it loads. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  /** A smaller rendition at `/files/<id>/thumbnail` (same aspect ratio), or null. */
  thumbnail: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).nullable(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/** `chat_send.attachments`: upload ids, each once. */
export const AttachmentIdsSchema = z
  .array(IdSchema)
  .min(1)
  .max(MAX_ATTACHMENTS_PER_MESSAGE, `A message carries at most ${MAX_ATTACHMENTS_PER_MESSAGE} files`)
  .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, 'Each file once');

/** Where a file and its thumbnail are downloaded from (same origin as the API). */
/** What `POST /files/direct` answers (PROTOCOL.md §2, "Direct upload"): where and how to PUT the bytes. */
export const DirectUploadTicketSchema = z.object({
  uploadId: z.uuid(),
  url: z.string().url(),
  method: z.literal('PUT'),
  /** Sent as they are: they are signed. */
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});
export type DirectUploadTicket = z.infer<typeof DirectUploadTicketSchema>;

export const fileUrl = (id: string): string => `/files/${id}`;
export const thumbnailUrl = (id: string): string => `/files/${id}/thumbnail`;

/**
 * A message's files in words, for where only text fits (a list preview, a notification):
 * "📎 photo.jpg", "📎 3 files"; '' for none.
 */
export function attachmentsText(files: readonly { name: string }[]): string {
  if (files.length === 0) return '';
  return files.length === 1 ? `📎 ${files[0]?.name ?? 'File'}` : `📎 ${files.length} files`;
}

const KIB = 1024;
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A size as people read it, in one unit system everywhere (binary, so the 25 MiB limit reads
 * "25 MiB", not "26.2 MB"): "1 byte", "900 bytes", "12 KiB", "1.4 MiB", "25 MiB". Below 10 of a
 * unit one decimal (dropped when it is .0); from 10 on whole numbers.
 */
export function formatFileSize(bytes: number): string {
  if (bytes < KIB) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  let value = bytes / KIB;
  let unit = 0;
  while (value >= KIB && unit < UNITS.length - 1) {
    value /= KIB;
    unit += 1;
  }
  // 1023.96 KiB rounds to "1024 KiB": say "1 MiB" instead.
  if (Math.round(value) >= KIB && unit < UNITS.length - 1) {
    value /= KIB;
    unit += 1;
  }
  const shown = value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}
