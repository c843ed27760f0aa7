import { describe, expect, it } from 'vitest';
import type { KeyValueStorage } from './browser-storage.ts';
import { draftKey, EMPTY_DRAFT, loadDraft, saveDraft } from './draft-store.ts';

function memoryStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const reply = { messageId: 'm1', seq: 4, senderId: 'u2', excerpt: 'Lunch?' };

describe('draft storage', () => {
  it('keeps one draft per user and conversation', () => {
    const s = memoryStorage();
    saveDraft(s, 'u1', 'c1', { body: 'half a thought', replyTo: null });
    saveDraft(s, 'u1', 'c2', { body: 'other', replyTo: reply });
    saveDraft(s, 'u2', 'c1', { body: 'not yours', replyTo: null });
    expect(loadDraft(s, 'u1', 'c1')).toEqual({ body: 'half a thought', replyTo: null });
    expect(loadDraft(s, 'u1', 'c2')).toEqual({ body: 'other', replyTo: reply });
    expect(loadDraft(s, 'u3', 'c1')).toEqual(EMPTY_DRAFT);
  });

  it('forgets an empty draft instead of storing it', () => {
    const s = memoryStorage();
    saveDraft(s, 'u1', 'c1', { body: 'x', replyTo: null });
    saveDraft(s, 'u1', 'c1', EMPTY_DRAFT);
    expect(s.map.has(draftKey('u1', 'c1'))).toBe(false);
  });

  it('keeps a reply with no text yet', () => {
    const s = memoryStorage();
    saveDraft(s, 'u1', 'c1', { body: '', replyTo: reply });
    expect(loadDraft(s, 'u1', 'c1').replyTo).toEqual(reply);
  });

  it('reads junk, wrong shapes and throwing storage as an empty draft', () => {
    const s = memoryStorage();
    s.map.set(draftKey('u1', 'c1'), '{not json');
    s.map.set(draftKey('u1', 'c2'), JSON.stringify({ body: 42, replyTo: { messageId: 1 } }));
    expect(loadDraft(s, 'u1', 'c1')).toEqual(EMPTY_DRAFT);
    expect(loadDraft(s, 'u1', 'c2')).toEqual(EMPTY_DRAFT);
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(loadDraft(broken, 'u1', 'c1')).toEqual(EMPTY_DRAFT);
    expect(() => saveDraft(broken, 'u1', 'c1', { body: 'x', replyTo: null })).not.toThrow();
    expect(loadDraft(null, 'u1', 'c1')).toEqual(EMPTY_DRAFT);
  });
});
