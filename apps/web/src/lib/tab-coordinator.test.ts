import { describe, expect, it } from 'vitest';
import type { TabState } from './notify-decision.ts';
import { freshStates } from './tab-coordinator.ts';

describe('freshStates', () => {
  it('keeps what live tabs said and forgets a tab silent for more than 25 s', () => {
    const looking: TabState = { visible: true, focused: true, conversationId: 'c1' };
    const away: TabState = { visible: false, focused: false, conversationId: undefined };
    const heard = new Map([
      ['a', { state: looking, atMs: 1_000 }],
      ['b', { state: away, atMs: 20_000 }],
    ]);
    expect(freshStates(heard, 20_000)).toEqual([looking, away]);
    expect(freshStates(heard, 27_000)).toEqual([away]);
  });
});
