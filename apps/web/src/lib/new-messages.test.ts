import { describe, expect, it } from 'vitest';
import { countAppended, isFarFromBottom, newMessagesLabel } from './new-messages.ts';

describe('new messages pill', () => {
  it('counts messages from others that arrived after what the reader saw', () => {
    const items = [
      { key: 'm:1', own: false },
      { key: 'm:2', own: true },
      { key: 'm:3', own: false },
      { key: 'm:4', own: false },
    ];
    expect(countAppended(items, 'm:1')).toBe(2);
    expect(countAppended(items, 'm:4')).toBe(0);
    expect(countAppended(items, undefined)).toBe(0);
    // The reader's last item is gone (a reload of the page): nothing to claim.
    expect(countAppended(items, 'm:0')).toBe(0);
  });

  it('says how many are new, or offers a way back down', () => {
    expect(newMessagesLabel(1, false)).toBe('1 new message');
    expect(newMessagesLabel(3, true)).toBe('3 new messages');
    expect(newMessagesLabel(250, true)).toBe('99+ new messages');
    expect(newMessagesLabel(0, true)).toBe('Jump to latest');
    expect(newMessagesLabel(0, false)).toBeNull();
  });

  it('is far from the bottom past a screen', () => {
    expect(isFarFromBottom({ scrollTop: 0, scrollHeight: 2000, clientHeight: 500 })).toBe(true);
    expect(isFarFromBottom({ scrollTop: 1000, scrollHeight: 2000, clientHeight: 500 })).toBe(false);
    expect(isFarFromBottom({ scrollTop: 900, scrollHeight: 2000, clientHeight: 500 })).toBe(true);
  });
});
