import type { PendingSend } from './realtime.ts';

/**
 * "2 messages haven’t been sent yet. Signing out deletes them from this device." (or "1 message
 * and 1 change…"): what a sign-out would delete, for the question asked before it. Null when
 * nothing would be lost. `wasSent` survives reloads (the SDK persists it with the entry).
 */
export function unsentSentence(entries: readonly Pick<PendingSend, 'action' | 'wasSent'>[]): string | null {
  const messages = entries.filter((e) => e.action.type === 'send').length;
  const changes = entries.length - messages;
  const parts = [
    messages > 0 ? `${messages} ${messages === 1 ? 'message' : 'messages'}` : null,
    changes > 0 ? `${changes} ${changes === 1 ? 'change' : 'changes'} (edits, reactions, deletions)` : null,
  ].filter((p) => p !== null);
  if (parts.length === 0) return null;
  const one = entries.length === 1;
  const sentence = `${parts.join(' and ')} ${one ? 'hasn’t' : 'haven’t'} been sent yet. Signing out deletes ${one ? 'it' : 'them'} from this device.`;
  // Sent before the connection dropped, the server may have stored it: no false promise.
  if (!entries.some((e) => e.wasSent)) return sentence;
  return `${sentence} ${one ? 'It was' : 'Some were'} already on the way and may still arrive.`;
}
