import type { Message } from '@parley/protocol';

/**
 * Merges pages and live messages into one ascending list, one entry per seq. History pages
 * and live events can overlap (a message arrives while a page is in flight); seq is the
 * identity within a conversation, so the later copy is dropped.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const last = existing[existing.length - 1];
  const first = incoming[0];
  // Fast path for the common cases: a live append in order, or an older page prepended.
  if (last === undefined) return sortUnique(incoming);
  if (first !== undefined && isAscending(incoming) && first.seq > last.seq) return [...existing, ...incoming];
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isAscending(list: readonly Message[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if ((list[i]?.seq ?? 0) <= (list[i - 1]?.seq ?? 0)) return false;
  }
  return true;
}

function sortUnique(list: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of list) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
