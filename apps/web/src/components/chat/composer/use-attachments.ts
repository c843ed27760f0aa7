'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { MAX_ATTACHMENTS_PER_MESSAGE, type Attachment } from '@parley/protocol';
import { UploadError, createUploader } from '../../../lib/file-upload.ts';

export interface DraftFile {
  key: string;
  file: File;
  name: string;
  /** A local preview for images (an object URL), revoked when the file leaves the draft. */
  previewUrl: string | undefined;
  status: 'uploading' | 'done' | 'failed';
  /** 0..1 */
  progress: number;
  attachment?: Attachment;
  error?: string;
  /** A failure that trying again can fix (the network, a busy server); not "too large" or "empty". */
  retryable?: boolean;
}

export interface DraftFiles {
  files: readonly DraftFile[];
  /** Starts uploading each (at most MAX_ATTACHMENTS_PER_MESSAGE in the draft). Returns a refusal, if any. */
  add(files: Iterable<File>): string | null;
  /** Stops an upload in progress, or takes a file out of the draft. */
  remove(key: string): void;
  retry(key: string): void;
  /** Every file stored: the message can go. */
  ready: boolean;
  attachments: Attachment[];
  /** After a send: the draft is empty again (previews revoked, nothing aborted: all are done). */
  clear(): void;
  /** Another conversation: stop every upload and empty the draft. */
  reset(): void;
}

let counter = 0;
const isPreviewable = (file: File) => ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(file.type);

/**
 * The files of the message being written: each uploads as soon as it is picked, dropped or
 * pasted, with progress, cancel and retry. Nobody else sees them until the message is sent
 * (the server keeps an upload private to its uploader until a send names it).
 */
export function useDraftFiles(): DraftFiles {
  const [files, setFiles] = useState<DraftFile[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  // Straight to the file store when the server offers it; remembers when it does not.
  const [uploadFile] = useState(createUploader);

  const update = useCallback((key: string, change: Partial<DraftFile>) => {
    setFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }, []);

  const start = useCallback(
    (draft: Pick<DraftFile, 'key' | 'file' | 'name'>) => {
      const controller = new AbortController();
      controllers.current.set(draft.key, controller);
      uploadFile(draft.file, draft.name, {
        signal: controller.signal,
        onProgress: (sent, total) => update(draft.key, { progress: total > 0 ? sent / total : 0 }),
      }).then(
        (attachment) => update(draft.key, { status: 'done', progress: 1, attachment }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          update(draft.key, {
            status: 'failed',
            error: error instanceof UploadError ? error.message : 'Upload failed',
            retryable: error instanceof UploadError ? error.retryable : true,
          });
        },
      ).finally(() => {
        if (controllers.current.get(draft.key) === controller) controllers.current.delete(draft.key);
      });
    },
    [update, uploadFile],
  );

  const add = useCallback(
    (incoming: Iterable<File>): string | null => {
      const picked = [...incoming];
      const room = MAX_ATTACHMENTS_PER_MESSAGE - files.length;
      const taken = picked.slice(0, Math.max(0, room));
      const drafts = taken.map((file) => ({
        key: `f${++counter}`,
        file,
        // A pasted screenshot is called "image.png" by every browser: give it a useful name.
        name: file.name && file.name !== 'image.png' ? file.name : `Pasted image ${new Date().toISOString().slice(0, 19).replace('T', ' ')}.png`,
        previewUrl: isPreviewable(file) ? URL.createObjectURL(file) : undefined,
        status: 'uploading' as const,
        progress: 0,
      }));
      setFiles((list) => [...list, ...drafts]);
      for (const draft of drafts) start(draft);
      return taken.length < picked.length ? `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files` : null;
    },
    [files.length, start],
  );

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    setFiles((list) => {
      const gone = list.find((f) => f.key === key);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return list.filter((f) => f.key !== key);
    });
  }, []);

  const retry = useCallback(
    (key: string) => {
      const draft = files.find((f) => f.key === key);
      if (!draft || draft.status !== 'failed' || draft.retryable === false) return;
      update(key, { status: 'uploading', progress: 0, error: undefined });
      start(draft);
    },
    [files, start, update],
  );

  const clear = useCallback(() => {
    setFiles((list) => {
      for (const f of list) if (f.previewUrl) URL.revokeObjectURL(f.previewUrl);
      return [];
    });
  }, []);

  const reset = useCallback(() => {
    for (const controller of controllers.current.values()) controller.abort();
    controllers.current.clear();
    clear();
  }, [clear]);

  // Leaving the page stops what is still uploading (the server sweeps what never got sent).
  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const controller of running.values()) controller.abort();
    };
  }, []);

  const attachments = files.flatMap((f) => (f.attachment ? [f.attachment] : []));
  return { files, add, remove, retry, clear, reset, ready: files.length > 0 && attachments.length === files.length, attachments };
}
