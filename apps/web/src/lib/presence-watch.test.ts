import { describe, expect, it } from 'vitest';
import { MAX_PRESENCE_WATCH } from '@parley/protocol';
import { createPresenceWatchSet } from './presence-watch.ts';

function harness() {
  const applied: string[][] = [];
  const ticks: Array<() => void> = [];
  const set = createPresenceWatchSet((ids) => applied.push(ids), (flush) => ticks.push(flush));
  const tick = () => ticks.splice(0).forEach((f) => f());
  return { set, applied, tick };
}

describe('presence watch set', () => {
  it('applies what is on screen once per burst, counting two badges of one person as one watch', () => {
    const { set, applied, tick } = harness();
    const offAnn = set.add('ann');
    const offBob = set.add('bob');
    const offAnnAgain = set.add('ann');
    tick();
    expect(applied).toEqual([['ann', 'bob']]);

    offAnn();
    offAnn(); // twice is once
    tick();
    expect(applied).toHaveLength(1); // the other badge still shows Ann: nothing changed
    offAnnAgain();
    tick();
    expect(applied.at(-1)).toEqual(['bob']);
    offBob();
    tick();
    expect(applied.at(-1)).toEqual([]);
  });

  it('watches at most MAX_PRESENCE_WATCH users, the earliest shown first', () => {
    const { set, applied, tick } = harness();
    for (let i = 0; i <= MAX_PRESENCE_WATCH; i++) set.add(`user-${i}`);
    tick();
    expect(applied[0]).toHaveLength(MAX_PRESENCE_WATCH);
    expect(applied[0]).not.toContain(`user-${MAX_PRESENCE_WATCH}`);
  });
});
