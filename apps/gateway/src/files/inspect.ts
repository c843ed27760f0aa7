import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { isInlineImageType } from '@parley/protocol';

/** Largest image (in pixels) decoded for a thumbnail: beyond it a file is kept, not rendered. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Thumbnails fit in this box (CSS pixels at 2x for a ~240 px wide bubble). */
export const THUMBNAIL_BOX_PX = 480;

export interface Inspection {
  /** Sniffed from the bytes; application/octet-stream when unknown. */
  mime: string;
  /** Set for an inline image type whose header read within the limits (its pixels are checked by writeThumbnail). */
  image: { width: number; height: number } | null;
}

/**
 * What the bytes are, never what the client said: the type from the file's magic numbers
 * (`file-type`), and for PNG, JPEG, GIF and WebP the size as displayed (EXIF orientation
 * applied). SVG and HTML have no magic number and stay octet-stream: never served inline.
 */
export async function inspectFile(path: string): Promise<Inspection> {
  const sniffed = await fileTypeFromFile(path).catch(() => undefined);
  // file-type names an animated PNG image/apng: it is a PNG (its first frame is shown).
  const mime = sniffed?.mime === 'image/apng' ? 'image/png' : (sniffed?.mime ?? 'application/octet-stream');
  if (!isInlineImageType(mime)) return { mime, image: null };
  try {
    // limitInputPixels refuses a decompression bomb from its header, before decoding it.
    const meta = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    return width && height ? { mime, image: { width, height } } : { mime, image: null };
  } catch {
    // Corrupt, or over the pixel limit: a file to download, not an image to show.
    return { mime, image: null };
  }
}

/** Writes a WebP thumbnail of the image at `path` to `target`: its pixels and bytes. */
export async function writeThumbnail(path: string, target: string): Promise<{ width: number; height: number; bytes: number }> {
  const info = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS })
    .autoOrient()
    .resize({ width: THUMBNAIL_BOX_PX, height: THUMBNAIL_BOX_PX, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toFile(target);
  return { width: info.width, height: info.height, bytes: info.size };
}
