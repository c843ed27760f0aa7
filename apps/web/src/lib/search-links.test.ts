import { describe, expect, it } from 'vitest';
import { hitHref, parseAtSeq, snippetParts } from './search-links.ts';

describe('search links', () => {
  it('round-trips a hit to ?at= and refuses anything but a positive seq', () => {
    expect(hitHref('abc', 12)).toBe('/c/abc?at=12');
    expect(parseAtSeq('12')).toBe(12);
    for (const bad of [null, '', '0', '-3', '1.5', '12abc', '99999999999999999']) expect(parseAtSeq(bad)).toBeUndefined();
  });

  it('cuts a snippet into text runs, whatever the body holds', () => {
    expect(snippetParts({ text: '<b>deploy</b> now', highlights: [[3, 9]] })).toEqual([
      { text: '<b>', match: false },
      { text: 'deploy', match: true },
      { text: '</b> now', match: false },
    ]);
    expect(snippetParts({ text: 'abc', highlights: [[2, 9], [0, 1]] })).toEqual([
      { text: 'ab', match: false },
      { text: 'c', match: true },
    ]);
    expect(snippetParts({ text: '', highlights: [] })).toEqual([]);
  });
});
