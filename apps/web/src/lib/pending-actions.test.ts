import { describe, expect, it } from 'vitest';
import { ANA, BO, ME, message } from '../testing/fixtures.ts';
import { applyPendingActions, reactionToggle, settledActions, type PendingAction } from './pending-actions.ts';

const m1 = message(1, { reactions: [{ emoji: '👍', userIds: [ANA] }] });
const m2 = message(2, { body: 'typo hree', senderId: ME });
const react = (clientId: string, emoji: string, action: 'add' | 'remove', over: Partial<PendingAction> = {}): PendingAction => ({
  clientId,
  action: { type: 'react', messageId: m1.id, emoji, action },
  state: 'sending',
  ...over,
});

describe('applyPendingActions', () => {
  it('returns the same messages when nothing is in flight', () => {
    const messages = [m1, m2];
    expect(applyPendingActions(messages, [], ME, 10).messages).toBe(messages);
  });

  it('shows a reaction the moment it is sent: added to an existing pill, or a new one', () => {
    const { messages } = applyPendingActions([m1], [react('a', '👍', 'add'), react('b', '🎉', 'add')], ME, 1);
    expect(messages[0]!.reactions).toEqual([
      { emoji: '👍', userIds: [ANA, ME] },
      { emoji: '🎉', userIds: [ME] },
    ]);
    // The folded log itself is not touched.
    expect(m1.reactions).toEqual([{ emoji: '👍', userIds: [ANA] }]);
  });

  it('applies a quick add-then-remove in order', () => {
    const { messages } = applyPendingActions([m1], [react('a', '🎉', 'add'), react('b', '🎉', 'remove')], ME, 1);
    expect(messages[0]!.reactions).toEqual([{ emoji: '👍', userIds: [ANA] }]);
  });

  it('keeps an acked reaction until its event is folded, then changes nothing', () => {
    const acked = react('a', '🎉', 'add', { state: 'sent', eventSeq: 7 });
    expect(applyPendingActions([m1], [acked], ME, 6).messages[0]!.reactions.map((r) => r.emoji)).toEqual(['👍', '🎉']);
    // Folded: the log shows it (or, if another tab took it back meanwhile, does not): the log wins.
    expect(applyPendingActions([m1], [acked], ME, 7).messages[0]!.reactions.map((r) => r.emoji)).toEqual(['👍']);
  });

  it('reverts a failed reaction and one the server found already in effect', () => {
    const failed = react('a', '🎉', 'add', { state: 'failed' });
    const noop = react('b', '🚀', 'add', { state: 'sent' });
    expect(applyPendingActions([m1], [failed, noop], ME, 1).messages[0]!.reactions).toEqual(m1.reactions);
  });

  it('is idempotent on a message that already reflects the action', () => {
    const withMine = message(1, { reactions: [{ emoji: '👍', userIds: [ANA, ME] }] });
    expect(applyPendingActions([withMine], [react('a', '👍', 'add')], ME, 1).messages[0]!.reactions).toEqual(withMine.reactions);
  });

  it('shows an edit and a deletion at once, marked as saving', () => {
    const edit: PendingAction = { clientId: 'e', action: { type: 'edit', messageId: m2.id, body: 'typo here' }, state: 'sending' };
    const del: PendingAction = { clientId: 'd', action: { type: 'delete', messageId: m1.id }, state: 'sending' };
    const { messages, saving } = applyPendingActions([m1, m2], [edit, del], ME, 2);
    expect(messages[1]!.body).toBe('typo here');
    expect(messages[1]!.editedAt).not.toBeNull();
    expect(messages[0]!.deletedAt).not.toBeNull();
    expect(messages[0]!.reactions).toEqual([]);
    expect([...saving].sort()).toEqual([m1.id, m2.id].sort());
  });

  it('does not edit or react to a message the log already deleted', () => {
    const gone = message(2, { senderId: ME, body: '', deletedAt: '2026-01-01T12:00:00.000Z' });
    const edit: PendingAction = { clientId: 'e', action: { type: 'edit', messageId: gone.id, body: 'back' }, state: 'sending' };
    expect(applyPendingActions([gone], [edit], ME, 2).messages[0]).toEqual(gone);
  });

  it('ignores actions on messages that are not loaded', () => {
    const other: PendingAction = { clientId: 'x', action: { type: 'react', messageId: 'nope', emoji: '👍', action: 'add' }, state: 'sending' };
    expect(applyPendingActions([m1], [other], ME, 1).messages).toEqual([m1]);
  });
});

describe('reactionToggle', () => {
  it('removes the reader’s own reaction and adds one they do not have', () => {
    const m = message(1, { reactions: [{ emoji: '👍', userIds: [ANA, ME] }, { emoji: '🎉', userIds: [BO] }] });
    expect(reactionToggle(m, '👍', ME)).toBe('remove');
    expect(reactionToggle(m, '🎉', ME)).toBe('add');
    expect(reactionToggle(m, '🚀', ME)).toBe('add');
  });
});

describe('settledActions', () => {
  it('keeps only what still changes the view', () => {
    const actions = [
      react('a', '👍', 'add'),
      react('b', '👍', 'add', { state: 'sent', eventSeq: 5 }),
      react('c', '👍', 'add', { state: 'sent', eventSeq: 9 }),
      react('d', '👍', 'add', { state: 'failed' }),
    ];
    expect(settledActions(actions, 5).map((a) => a.clientId)).toEqual(['a', 'c']);
  });
});
