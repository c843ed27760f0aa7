import { describe, expect, it } from 'vitest';
import { SetIndex } from './registry.ts';

describe('SetIndex', () => {
  it('reports the empty <-> non-empty transitions and ignores repeats and unknown values', () => {
    const index = new SetIndex<string>();
    expect(index.add('k', 'a')).toBe(true);
    expect(index.add('k', 'a')).toBe(false);
    expect(index.add('k', 'b')).toBe(false);
    expect(index.count('k')).toBe(2);
    expect(index.remove('k', 'zzz')).toBe(false);
    expect(index.remove('other', 'a')).toBe(false);
    expect(index.remove('k', 'a')).toBe(false);
    expect(index.includes('k', 'a')).toBe(false);
    expect(index.remove('k', 'b')).toBe(true);
    expect(index.has('k')).toBe(false);
    expect(index.size).toBe(0);
  });

  it('keeps every value, once, across the switch from a small array to a set and back down', () => {
    const index = new SetIndex<number>();
    for (let i = 0; i < 50; i++) index.add('room', i);
    for (let i = 0; i < 50; i++) index.add('room', i);
    expect(index.count('room')).toBe(50);
    expect(index.list('room').sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    for (let i = 0; i < 49; i++) expect(index.remove('room', i)).toBe(false);
    expect(index.list('room')).toEqual([49]);
    expect(index.includes('room', 49)).toBe(true);
    expect(index.remove('room', 49)).toBe(true);
    expect(index.count('room')).toBe(0);
  });

  it('hands out copies: removing while iterating a list visits every value', () => {
    const index = new SetIndex<string>();
    for (const v of ['a', 'b', 'c']) index.add('k', v);
    const seen: string[] = [];
    for (const v of index.list('k')) {
      seen.push(v);
      index.remove('k', v);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(index.has('k')).toBe(false);
  });
});
