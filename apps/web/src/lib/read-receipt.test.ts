import { describe, expect, it } from 'vitest';
import { ANA, BO, ME, message } from '../testing/fixtures.ts';
import { effectiveReadStates, latestReceipt } from './read-receipt.ts';

const mine = (seq: number) => message(seq, { senderId: ME });
const theirs = (seq: number, senderId = ANA) => message(seq, { senderId });

describe('latestReceipt', () => {
  it('puts the receipt under my newest message the other person has read, not a later unread one', () => {
    const messages = [mine(1), mine(2), mine(3)];
    expect(latestReceipt(messages, ME, new Map([[ANA, 2]]))).toEqual({ seq: 2, readerIds: [ANA] });
    expect(latestReceipt(messages, ME, new Map([[ANA, 3]]))).toEqual({ seq: 3, readerIds: [ANA] });
  });

  it('shows nothing while none of my messages is read, and never counts me as a reader', () => {
    expect(latestReceipt([mine(1), mine(2)], ME, new Map([[ME, 2], [ANA, 0]]))).toBeNull();
    expect(latestReceipt([theirs(1)], ME, new Map([[ANA, 1]]))).toBeNull();
  });

  it('lists every reader of the message in a group', () => {
    const messages = [mine(1), theirs(2, BO), mine(3)];
    expect(latestReceipt(messages, ME, new Map([[ANA, 3], [BO, 2]]))).toEqual({ seq: 3, readerIds: [ANA] });
    expect(latestReceipt(messages, ME, new Map([[ANA, 3], [BO, 3]]))?.readerIds).toEqual([ANA, BO]);
  });

  it('treats a reply as proof of reading what came before it', () => {
    const messages = [mine(1), theirs(2)];
    expect(latestReceipt(messages, ME, new Map())).toEqual({ seq: 1, readerIds: [ANA] });
  });
});

describe('effectiveReadStates', () => {
  it('never lowers a known position', () => {
    expect(effectiveReadStates(new Map([[ANA, 9]]), [theirs(4)]).get(ANA)).toBe(9);
  });
});
