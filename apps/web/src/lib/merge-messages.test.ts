import { describe, expect, it } from 'vitest';
import { mergeMessages } from './merge-messages.ts';
import { message } from '../testing/fixtures.ts';

const seqs = (list: { seq: number }[]) => list.map((m) => m.seq);

describe('mergeMessages', () => {
  it('appends live messages in order', () => {
    expect(seqs(mergeMessages([message(1), message(2)], [message(3)]))).toEqual([1, 2, 3]);
  });

  it('prepends an older page', () => {
    expect(seqs(mergeMessages([message(5), message(6)], [message(3), message(4)]))).toEqual([3, 4, 5, 6]);
  });

  it('drops duplicates when a page and live events overlap, keeping the first copy', () => {
    const live = message(4, { body: 'live copy' });
    const merged = mergeMessages([message(3), live], [message(4, { body: 'page copy' }), message(5)]);
    expect(seqs(merged)).toEqual([3, 4, 5]);
    expect(merged[1]?.body).toBe('live copy');
  });

  it('sorts and dedupes an unordered first batch', () => {
    expect(seqs(mergeMessages([], [message(2), message(1), message(2)]))).toEqual([1, 2]);
  });
});
