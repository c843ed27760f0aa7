import { describe, expect, it } from 'vitest';
import { mentionResolver, parseMessageText, type MentionTarget } from './rich-text.ts';

const bob: MentionTarget = { id: 'u-bob', handle: 'bob', displayName: 'Bob Builder' };
const ana: MentionTarget = { id: 'u-ana', handle: 'ana_lima', displayName: 'Ana Lima' };
const members = [bob, ana];

describe('parseMessageText', () => {
  it('keeps plain text as one segment', () => {
    expect(parseMessageText('just words', mentionResolver(members, []))).toEqual([{ type: 'text', text: 'just words' }]);
  });

  it('keeps HTML as literal text, never as markup', () => {
    const body = '<img src=x onerror="alert(1)"> <b>bold</b> &amp; <script>alert(2)</script>';
    expect(parseMessageText(body, mentionResolver(members, []))).toEqual([{ type: 'text', text: body }]);
  });

  it('splits out links and mentions in order', () => {
    const segments = parseMessageText('Hey @Bob, look: https://example.org/x. @nobody too', mentionResolver(members, ['u-bob']));
    expect(segments).toEqual([
      { type: 'text', text: 'Hey ' },
      { type: 'mention', text: '@Bob', user: bob },
      { type: 'text', text: ', look: ' },
      { type: 'link', text: 'https://example.org/x', href: 'https://example.org/x' },
      { type: 'text', text: '. @nobody too' },
    ]);
  });

  it('highlights only the members the server resolved for a committed message', () => {
    const segments = parseMessageText('@bob and @ana_lima', mentionResolver(members, ['u-ana']));
    expect(segments.filter((s) => s.type === 'mention').map((s) => s.text)).toEqual(['@ana_lima']);
  });

  it('resolves every member handle, case-insensitively, while the message has no server mentions yet', () => {
    const segments = parseMessageText('@BOB @Ana_Lima', mentionResolver(members, undefined));
    expect(segments.filter((s) => s.type === 'mention').map((s) => s.type === 'mention' && s.user.id)).toEqual(['u-bob', 'u-ana']);
  });

  it('does not take e-mail addresses or @ inside links for mentions', () => {
    const segments = parseMessageText('bob@example.org https://x.org/@bob', mentionResolver(members, ['u-bob']));
    expect(segments.map((s) => s.type)).toEqual(['link', 'text', 'link']);
  });

  it('never turns a javascript: URL into a link', () => {
    const segments = parseMessageText('javascript:alert(1) @bob', mentionResolver(members, ['u-bob']));
    expect(segments.some((s) => s.type === 'link')).toBe(false);
    expect(segments[0]).toEqual({ type: 'text', text: 'javascript:alert(1) ' });
  });
});
