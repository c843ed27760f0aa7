import { describe, expect, it } from 'vitest';
import { searchFormOf, searchParamsOf } from './search-form.ts';

describe('search form', () => {
  it('turns URL parameters into a search, dropping what is not valid', () => {
    const form = searchFormOf(new URLSearchParams('q=%20deploy%20&in=nope&from=3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e&since=2026-11-01&until=bad'));
    const input = searchParamsOf(form);
    expect(input).toMatchObject({ query: 'deploy', senderId: '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e' });
    expect(input.conversationId).toBeUndefined();
    expect(input.until).toBeUndefined();
    expect(new Date(input.since!).getDate()).toBe(1);
  });

  it('includes the whole Before day', () => {
    const input = searchParamsOf({ q: 'x', in: '', from: '', since: '', until: '2026-11-30', file: '' });
    const until = new Date(input.until!);
    expect([until.getMonth(), until.getDate(), until.getHours()]).toEqual([11, 1, 0]);
  });

  it('filters on files only when asked with file=1', () => {
    expect(searchParamsOf(searchFormOf(new URLSearchParams('q=plan&file=1')))).toMatchObject({ query: 'plan', hasFile: true });
    expect(searchParamsOf(searchFormOf(new URLSearchParams('q=plan&file=yes')))).not.toHaveProperty('hasFile');
  });
});
