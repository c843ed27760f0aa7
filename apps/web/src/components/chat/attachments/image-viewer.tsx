'use client';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { fileUrl, type Attachment } from '@parley/protocol';

interface Props {
  images: readonly Attachment[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
}

/**
 * The conversation's images, one at a time, full size. A native modal dialog: focus is trapped,
 * Escape closes it and focus returns to the thumbnail; Left and Right arrows step through.
 */
export function ImageViewer({ images, index, onIndex, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const image = images[index];
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  if (image === undefined) return null;
  const step = (delta: number) => onIndex((index + delta + images.length) % images.length);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowRight') step(1);
    else if (event.key === 'ArrowLeft') step(-1);
    else return;
    event.preventDefault();
  };
  const many = images.length > 1;
  return (
    <dialog ref={ref} className="image-viewer" aria-label={`Image ${index + 1} of ${images.length}: ${image.name}`} onClose={onClose} onKeyDown={onKeyDown}>
      <div className="image-viewer-bar">
        <span className="image-viewer-name" title={image.name}>{image.name}</span>
        {many ? <span className="image-viewer-count">{index + 1} / {images.length}</span> : null}
        <a className="button button-small" href={`${fileUrl(image.id)}?download=1`} download={image.name}>Download</a>
        <button type="button" className="icon-button" aria-label="Close viewer" onClick={onClose} autoFocus>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="image-viewer-stage">
        {many ? (
          <button type="button" className="image-viewer-step is-prev" aria-label="Previous image" onClick={() => step(-1)}>
            <span aria-hidden="true">‹</span>
          </button>
        ) : null}
        <img
          key={image.id}
          className="image-viewer-image"
          src={fileUrl(image.id)}
          alt={image.name}
          width={image.width ?? undefined}
          height={image.height ?? undefined}
        />
        {many ? (
          <button type="button" className="image-viewer-step is-next" aria-label="Next image" onClick={() => step(1)}>
            <span aria-hidden="true">›</span>
          </button>
        ) : null}
      </div>
    </dialog>
  );
}
