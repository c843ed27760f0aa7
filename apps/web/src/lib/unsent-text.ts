import type { PendingSend } from './realtime.ts';

/**
 * "2 messages haven’t been sent yet." (or "1 message and 1 change…"): what a sign-out would
 * delete, for the question asked before it. Null when nothing would be lost.
 */
export function unsentSentence(entries: readonly Pick<PendingSend, 'action'>[]): string | null {
  const messages = entries.filter((e) => e.action.type === 'send').length;
  const changes = entries.length - messages;
  const parts = [
    messages > 0 ? `${messages} ${messages === 1 ? 'message' : 'messages'}` : null,
    changes > 0 ? `${changes} ${changes === 1 ? 'change' : 'changes'} (edits, reactions, deletions)` : null,
  ].filter((p) => p !== null);
  if (parts.length === 0) return null;
  return `${parts.join(' and ')} ${entries.length === 1 ? 'hasn’t' : 'haven’t'} been sent yet.`;
}
