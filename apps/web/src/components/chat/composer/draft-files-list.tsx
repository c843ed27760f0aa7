'use client';
import { fileBadge, formatFileSize } from '../../../lib/file-upload.ts';
import type { DraftFile } from './use-attachments.ts';

interface Props {
  files: readonly DraftFile[];
  onRemove: (key: string) => void;
  onRetry: (key: string) => void;
}

/** The files of the message being written: preview, name, size, progress, cancel or retry. */
export function DraftFilesList({ files, onRemove, onRetry }: Props) {
  if (files.length === 0) return null;
  return (
    <ul className="draft-files" aria-label="Files to send">
      {files.map((f) => (
        <li key={f.key} className={`draft-file is-${f.status}`} data-status={f.status}>
          {f.previewUrl ? (
            <img className="draft-file-preview" src={f.previewUrl} alt="" />
          ) : (
            <span className="draft-file-badge" aria-hidden="true">{fileBadge(f.name)}</span>
          )}
          <span className="draft-file-text">
            <span className="draft-file-name" title={f.name}>{f.name}</span>
            <span className="draft-file-meta">
              {f.status === 'failed' ? <span className="draft-file-error" role="alert">{f.error}</span> : formatFileSize(f.file.size)}
            </span>
            {f.status === 'uploading' ? (
              <progress className="draft-file-progress" max={1} value={f.progress} aria-label={`Uploading ${f.name}`} />
            ) : null}
          </span>
          {f.status === 'failed' && f.retryable !== false ? (
            <button type="button" className="button button-small" onClick={() => onRetry(f.key)}>
              Retry
            </button>
          ) : null}
          <button
            type="button"
            className="icon-button draft-file-remove"
            aria-label={f.status === 'uploading' ? `Cancel upload of ${f.name}` : `Remove ${f.name}`}
            onClick={() => onRemove(f.key)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
