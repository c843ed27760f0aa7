import { describe, expect, it } from 'vitest';
import { ALERT_BODY_MAX_CHARS, messageAlertText, type ConversationEvent, type Message } from '@parley/protocol';
import { ANA, BO, ME, conversation, message } from '../testing/fixtures.ts';
import { alertContent, alertingMessage, type AlertContext, type TabState } from './notify-decision.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 1, 0);
const hidden: TabState = { visible: false, focused: false, conversationId: 'c1' };

function created(over: Partial<Message> = {}): ConversationEvent {
  const m = message(5, { createdAt: new Date(NOW - 1_000).toISOString(), ...over });
  return { kind: 'message_created', conversationId: m.conversationId, seq: m.seq, message: m } as ConversationEvent;
}

function ctx(over: Partial<AlertContext> = {}): AlertContext {
  return { meId: ME, level: 'all', lastReadSeq: 0, dndUntil: null, nowMs: NOW, tabs: [hidden], ...over };
}

describe('alertingMessage', () => {
  it('alerts for a new direct message while every tab is hidden', () => {
    expect(alertingMessage(created(), ctx())?.seq).toBe(5);
  });

  it('alerts in a group (level mentions, its default) only when the message mentions me', () => {
    expect(alertingMessage(created(), ctx({ level: 'mentions' }))).toBeNull();
    expect(alertingMessage(created({ mentions: [BO, ME] }), ctx({ level: 'mentions' }))).not.toBeNull();
    expect(alertingMessage(created({ mentions: [BO] }), ctx({ level: 'mentions' }))).toBeNull();
  });

  it('never alerts in a muted conversation, mention or not', () => {
    expect(alertingMessage(created(), ctx({ level: 'none' }))).toBeNull();
    expect(alertingMessage(created({ mentions: [ME] }), ctx({ level: 'none' }))).toBeNull();
  });

  it('never alerts during do-not-disturb, and again once it has ended', () => {
    expect(alertingMessage(created({ mentions: [ME] }), ctx({ dndUntil: new Date(NOW + 60_000).toISOString() }))).toBeNull();
    expect(alertingMessage(created(), ctx({ dndUntil: new Date(NOW - 1).toISOString() }))).not.toBeNull();
  });

  it('never alerts while a tab shows that conversation visibly, or any tab has focus', () => {
    expect(alertingMessage(created(), ctx({ tabs: [hidden, { visible: true, focused: false, conversationId: 'c1' }] }))).toBeNull();
    expect(alertingMessage(created(), ctx({ tabs: [{ visible: true, focused: true, conversationId: 'other' }] }))).toBeNull();
    // Visible but unfocused, on another conversation (a window beside another app): alert.
    expect(alertingMessage(created(), ctx({ tabs: [{ visible: true, focused: false, conversationId: 'other' }] }))).not.toBeNull();
  });

  it('never alerts for my own messages, or messages already read elsewhere, or old replays', () => {
    expect(alertingMessage(created({ senderId: ME }), ctx())).toBeNull();
    expect(alertingMessage(created(), ctx({ lastReadSeq: 5 }))).toBeNull();
    expect(alertingMessage(created({ createdAt: new Date(NOW - 10 * 60_000).toISOString() }), ctx())).toBeNull();
  });

  it('never alerts for edits, deletions, reactions, calls, system messages or unknown events', () => {
    const events: ConversationEvent[] = [
      { kind: 'message_edited', conversationId: 'c1', seq: 6, actorId: ANA, messageId: 'm', messageSeq: 5, body: 'x', mentions: [ME], editedAt: new Date(NOW).toISOString() } as ConversationEvent,
      { kind: 'reaction_added', conversationId: 'c1', seq: 7, actorId: ANA, messageId: 'm', messageSeq: 5, emoji: '👍' } as ConversationEvent,
      { kind: 'unknown', conversationId: 'c1', seq: 8 } as ConversationEvent,
      created({ kind: 'call' }),
      created({ kind: 'system', senderId: ANA }),
      created({ deletedAt: new Date(NOW).toISOString() }),
    ];
    for (const event of events) expect(alertingMessage(event, ctx()), event.kind).toBeNull();
  });
});

describe('alertContent', () => {
  it('names the sender, the group, and tags by conversation', () => {
    expect(alertContent(message(5), conversation('c1'), ME)).toEqual({ title: 'Ana Lima', body: 'message 5', tag: 'parley:c1' });
    const group = conversation('c1', { kind: 'group', title: 'Team' });
    expect(alertContent(message(5, { body: 'a\n  b' }), group, ME)).toEqual({ title: 'Ana Lima in Team', body: 'a b', tag: 'parley:c1' });
    const photo = { id: '30000000-0000-4000-8000-000000000001', name: 'beach.jpg', size: 1, mime: 'image/jpeg', width: 1, height: 1, thumbnail: null };
    expect(alertContent(message(5, { body: '', attachments: [photo] }), group, ME).body).toBe('📎 beach.jpg');
  });

  it('says what a push with the text says: the same words, cut at the same length, never inside an emoji', () => {
    const group = conversation('c1', { kind: 'group', title: 'Team' });
    const long = message(5, { body: `${'x'.repeat(298)}😀 and more` });
    const pushed = messageAlertText({ senderName: 'Ana Lima', conversation: { kind: 'group', title: 'Team' }, message: long, recipientId: ME, content: 'text' });
    const alert = alertContent(long, group, ME);
    expect({ title: alert.title, body: alert.body }).toEqual(pushed);
    expect(alert.body).toBe(`${'x'.repeat(298)}…`);
    expect(alert.body.length).toBeLessThanOrEqual(ALERT_BODY_MAX_CHARS);
  });
});
