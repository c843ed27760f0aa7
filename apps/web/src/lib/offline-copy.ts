import type { Message } from '@parley/protocol';
import type { ConversationSummary } from './api-types.ts';
import type { KeyValueStorage } from './browser-storage.ts';

/**
 * What the app last showed, kept in localStorage per user so a reload without a network still
 * shows the conversation list and the newest messages. Read only when the server cannot be
 * reached, and only for the user the app starts as (never another user's keys); cleared with
 * the rest of the user's data on sign-out (`forgetLocalData`).
 */
const PREFIX = 'parley.offline.v1';
/** Newest messages kept per conversation: a screenful and a bit, small enough for localStorage. */
export const HISTORY_MESSAGES_KEPT = 50;
/** Conversations with a copy; opening another drops the least recently saved. */
export const HISTORIES_KEPT = 20;

export interface HistoryCopy {
  messages: readonly Message[];
  /** The log is folded through this seq: the SDK resumes from here, so nothing is missed. */
  throughSeq: number;
  hasMore: boolean;
}

const listKey = (userId: string) => `${PREFIX}.${userId}.conversations`;
const historyIndexKey = (userId: string) => `${PREFIX}.${userId}.history`;
const historyKey = (userId: string, conversationId: string) => `${PREFIX}.${userId}.history.${conversationId}`;

function read<T>(storage: KeyValueStorage | null, key: string, valid: (value: unknown) => value is T): T | null {
  try {
    const raw = storage?.getItem(key);
    if (raw == null) return null;
    const value: unknown = JSON.parse(raw);
    return valid(value) ? value : null;
  } catch {
    return null;
  }
}

/** False when storage refused (full): the caller may free space and try once more. */
function write(storage: KeyValueStorage | null, key: string, value: unknown): boolean {
  try {
    storage?.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

const isList = (value: unknown): value is ConversationSummary[] =>
  Array.isArray(value) && value.every((c) => typeof c === 'object' && c !== null && typeof (c as { id?: unknown }).id === 'string');

const isHistory = (value: unknown): value is HistoryCopy => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<HistoryCopy>;
  return Array.isArray(v.messages) && typeof v.throughSeq === 'number' && typeof v.hasMore === 'boolean';
};

const isIdList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

export function saveConversationList(storage: KeyValueStorage | null, userId: string, list: readonly ConversationSummary[]): void {
  write(storage, listKey(userId), list);
}

export function loadConversationList(storage: KeyValueStorage | null, userId: string): ConversationSummary[] | null {
  return read(storage, listKey(userId), isList);
}

/**
 * Keeps the newest `HISTORY_MESSAGES_KEPT` messages of a folded log. `throughSeq` must be how
 * far the messages are folded (edits and reactions take seqs too), so resuming from it with
 * `chat_sync` brings the copy fully up to date.
 */
export function saveHistory(storage: KeyValueStorage | null, userId: string, conversationId: string, history: HistoryCopy): void {
  const messages = history.messages.slice(-HISTORY_MESSAGES_KEPT);
  const copy: HistoryCopy = { messages, throughSeq: history.throughSeq, hasMore: history.hasMore || messages.length < history.messages.length };
  const index = read(storage, historyIndexKey(userId), isIdList) ?? [];
  const next = [conversationId, ...index.filter((id) => id !== conversationId)];
  for (const dropped of next.splice(HISTORIES_KEPT)) storage?.removeItem(historyKey(userId, dropped));
  write(storage, historyIndexKey(userId), next);
  if (write(storage, historyKey(userId, conversationId), copy)) return;
  // Full: the other conversations' copies go first, this one is what the user is looking at.
  for (const id of next.slice(1)) storage?.removeItem(historyKey(userId, id));
  write(storage, historyIndexKey(userId), [conversationId]);
  write(storage, historyKey(userId, conversationId), copy);
}

export function loadHistory(storage: KeyValueStorage | null, userId: string, conversationId: string): HistoryCopy | null {
  const copy = read(storage, historyKey(userId, conversationId), isHistory);
  // A copy made for another conversation under this key would be a bug; never show it here.
  if (copy === null || copy.messages.some((m) => m.conversationId !== conversationId)) return null;
  return copy;
}
