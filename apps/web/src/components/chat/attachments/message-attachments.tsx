'use client';
import { fileUrl, thumbnailUrl, type Attachment } from '@parley/protocol';
import { fileBadge, formatFileSize } from '../../../lib/file-upload.ts';
import { useOpenImage } from './image-viewer-context.ts';

/** Thumbnails fit this box in the log (CSS pixels); the stored ones are twice as large, for sharp screens. */
const BOX_PX = 320;

/** An image the log shows inline: a decoded raster image with a thumbnail. */
export const isShownInline = (file: Attachment) => file.thumbnail !== null && file.width !== null && file.height !== null;

/** The size an image takes in the log, known before it loads: no jump when it arrives. */
export function inlineSize(file: Attachment): { width: number; height: number } {
  const width = file.width ?? BOX_PX;
  const height = file.height ?? BOX_PX;
  const scale = Math.min(1, BOX_PX / width, BOX_PX / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A message's files: images inline (they open the viewer), other files as cards that download. */
export function MessageAttachments({ files }: { files: readonly Attachment[] }) {
  const openImage = useOpenImage();
  const images = files.filter(isShownInline);
  const others = files.filter((f) => !isShownInline(f));
  return (
    <div className="message-attachments">
      {images.length > 0 ? (
        <div className="attachment-images">
          {images.map((file) => {
            const size = inlineSize(file);
            return (
              <button
                key={file.id}
                type="button"
                className="attachment-image"
                aria-label={`Open image ${file.name}`}
                onClick={() => openImage(file.id)}
                style={{ width: `${size.width}px`, aspectRatio: `${size.width} / ${size.height}` }}
              >
                <img src={thumbnailUrl(file.id)} alt={file.name} width={size.width} height={size.height} loading="lazy" decoding="async" />
              </button>
            );
          })}
        </div>
      ) : null}
      {others.map((file) => (
        <a key={file.id} className="attachment-file" href={fileUrl(file.id)} download={file.name}>
          <span className="attachment-file-badge" aria-hidden="true">{fileBadge(file.name)}</span>
          <span className="attachment-file-text">
            <span className="attachment-file-name" title={file.name}>{file.name}</span>
            <span className="attachment-file-size">{formatFileSize(file.size)}</span>
          </span>
          <span className="sr-only">, download</span>
        </a>
      ))}
    </div>
  );
}
