import type { KeyValueStorage } from './browser-storage.ts';

/** The message a draft answers, kept so the reply bar can show it before history loads. */
export interface ReplyDraft {
  messageId: string;
  seq: number;
  senderId: string;
  /** First line of the parent as it was when the reply started; null if deleted. */
  excerpt: string | null;
}

export interface Draft {
  body: string;
  replyTo: ReplyDraft | null;
}

export const EMPTY_DRAFT: Draft = { body: '', replyTo: null };

/** Versioned, and per user: two people sharing a browser never see each other's drafts. */
export function draftKey(userId: string, conversationId: string): string {
  return `parley.draft.v1.${userId}.${conversationId}`;
}

/** The saved draft, or an empty one. Storage that throws (private mode) or junk reads as empty. */
export function loadDraft(storage: KeyValueStorage | null, userId: string, conversationId: string): Draft {
  if (storage === null) return EMPTY_DRAFT;
  try {
    const raw = storage.getItem(draftKey(userId, conversationId));
    if (raw === null) return EMPTY_DRAFT;
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return EMPTY_DRAFT;
    const { body, replyTo } = parsed as { body?: unknown; replyTo?: unknown };
    return { body: typeof body === 'string' ? body : '', replyTo: isReplyDraft(replyTo) ? replyTo : null };
  } catch {
    return EMPTY_DRAFT;
  }
}

/** Saves it, or forgets it when there is nothing to keep. A full storage loses the draft, not the page. */
export function saveDraft(storage: KeyValueStorage | null, userId: string, conversationId: string, draft: Draft): void {
  if (storage === null) return;
  const key = draftKey(userId, conversationId);
  try {
    if (draft.body === '' && draft.replyTo === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(draft));
  } catch {
    // Quota exceeded or storage disabled: the draft lives as long as the page.
  }
}

function isReplyDraft(value: unknown): value is ReplyDraft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['messageId'] === 'string' &&
    typeof v['seq'] === 'number' &&
    typeof v['senderId'] === 'string' &&
    (typeof v['excerpt'] === 'string' || v['excerpt'] === null)
  );
}

