import { describe, expect, it } from 'vitest';
import { ALERT_BODY_MAX_CHARS, callAlertText, messageAlertText, shortenText } from './alert-text.ts';
import { formatFileSize } from './files.ts';

/** Half of a surrogate pair on its own: what a cut inside an emoji leaves. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BOB = '5d41402a-bc4b-4a76-b971-9d911017c592';
const photo = { id: 'f7a1c2d3-4b5a-4c7d-8e9f-0a1b2c3d4e5f', name: 'cat.png', size: 10, mime: 'image/png', width: 2, height: 1, thumbnail: null };
const group = { kind: 'group' as const, title: 'Team' };
const direct = { kind: 'direct' as const, title: null };
const alert = (over: Partial<Parameters<typeof messageAlertText>[0]> = {}) =>
  messageAlertText({ senderName: 'Ann', conversation: direct, message: { body: 'see you at 5', mentions: [] }, recipientId: BOB, content: 'text', ...over });

describe('shortenText', () => {
  it('folds whitespace and keeps short text whole', () => {
    expect(shortenText('  see\n\n you\tat 5 ')).toBe('see you at 5');
    expect(shortenText('x'.repeat(ALERT_BODY_MAX_CHARS))).toHaveLength(ALERT_BODY_MAX_CHARS);
  });

  it('cuts long text to the limit with an ellipsis', () => {
    const cut = shortenText('x'.repeat(1000));
    expect(cut).toHaveLength(ALERT_BODY_MAX_CHARS);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair: an emoji across the cut is left out whole', () => {
    // 298 units, then 😀 (2 units) would end at 300: over the 299 left before the ellipsis.
    const cut = shortenText(`${'x'.repeat(298)}😀😀`);
    expect(cut).toBe(`${'x'.repeat(298)}…`);
    expect(cut).not.toMatch(LONE_SURROGATE);
    // One unit earlier it fits.
    expect(shortenText(`${'x'.repeat(297)}😀😀`)).toBe(`${'x'.repeat(297)}😀…`);
  });

  it('never splits a grapheme cluster (a family emoji, a flag, a letter and its accent)', () => {
    const family = '👩‍👩‍👧'; // 8 code units, one character
    const cut = shortenText(`${'x'.repeat(295)}${family}tail`);
    expect(cut).toBe(`${'x'.repeat(295)}…`);
    expect(shortenText(`${'x'.repeat(298)}🇵🇹 more`)).toBe(`${'x'.repeat(298)}…`);
    expect(shortenText(`${'x'.repeat(298)}e\u0301 more`, 300)).toBe(`${'x'.repeat(298)}…`);
    for (let pad = 280; pad < 300; pad++) {
      const text = shortenText(`${'y'.repeat(pad)}${family.repeat(10)}`);
      expect(text.length).toBeLessThanOrEqual(ALERT_BODY_MAX_CHARS);
      expect(text).not.toMatch(LONE_SURROGATE);
      expect(text.replace(/^y*/, '').replace(/…$/, '').length % family.length).toBe(0);
    }
  });
});

describe('messageAlertText', () => {
  it('with "text": the sender (and the group) and the text', () => {
    expect(alert()).toEqual({ title: 'Ann', body: 'see you at 5' });
    expect(alert({ conversation: group, message: { body: 'see\n\n you   at 5', mentions: [] } })).toEqual({ title: 'Ann in Team', body: 'see you at 5' });
  });

  it('with "sender": who wrote (and that it mentions you), never the text or the group title', () => {
    expect(alert({ content: 'sender' })).toEqual({ title: 'New message from Ann', body: '' });
    expect(alert({ content: 'sender', conversation: group, message: { body: 'hi @bob', mentions: [BOB] } })).toEqual({ title: 'Ann mentioned you', body: '' });
    expect(JSON.stringify(alert({ content: 'sender', conversation: group }))).not.toMatch(/Team|see you/);
  });

  it('a message of files without a caption says what was sent', () => {
    expect(alert({ message: { body: '', mentions: [], attachments: [photo] } }).body).toBe('📎 cat.png');
    expect(alert({ message: { body: '', mentions: [], attachments: [photo, { ...photo, name: 'b.pdf' }] } }).body).toBe('📎 2 files');
    expect(alert({ content: 'sender', message: { body: '', mentions: [], attachments: [photo] } }).body).toBe('');
  });
});

describe('callAlertText', () => {
  it('names the media', () => {
    expect(callAlertText('video', 'Ann', true)).toEqual({ title: 'Incoming video call from Ann', body: 'Tap to answer' });
    expect(callAlertText('audio', 'Ann', false)).toEqual({ title: 'Missed call from Ann', body: '' });
  });
});

describe('formatFileSize', () => {
  it('uses binary units everywhere, so a limit and a file size read the same', () => {
    expect(formatFileSize(0)).toBe('0 bytes');
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(1023)).toBe('1023 bytes');
    expect(formatFileSize(1024)).toBe('1 KiB');
    expect(formatFileSize(1536)).toBe('1.5 KiB');
    expect(formatFileSize(256 * 1024)).toBe('256 KiB');
    expect(formatFileSize(1024 * 1024 - 1)).toBe('1 MiB');
    expect(formatFileSize(1.4 * 1024 * 1024)).toBe('1.4 MiB');
    expect(formatFileSize(25 * 1024 * 1024)).toBe('25 MiB');
    expect(formatFileSize(2.5 * 1024 ** 3)).toBe('2.5 GiB');
  });
});
