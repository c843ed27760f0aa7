import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../testing/memory-storage.ts';
import { forgetLocalData, lastSignedInUser, rememberSignedInUser, SIGNED_IN_KEY, SIGNED_IN_MAX_AGE_MS } from './signed-in-user.ts';

const ana = { id: 'u-ana', handle: 'ana', displayName: 'Ana Lima' };
const bo = { id: 'u-bo', handle: 'bo', displayName: 'Bo' };

describe('last signed-in user', () => {
  it('keeps what the server confirmed, and forgets it when the server says nobody', () => {
    const s = memoryStorage();
    rememberSignedInUser(s, ana, 1000);
    expect(lastSignedInUser(s, 2000)).toEqual(ana);
    rememberSignedInUser(s, bo, 3000);
    expect(lastSignedInUser(s, 4000)).toEqual(bo);
    rememberSignedInUser(s, null, 5000);
    expect(lastSignedInUser(s, 6000)).toBeNull();
  });

  it('does not offer a record older than a session can live, or a damaged one', () => {
    const s = memoryStorage();
    rememberSignedInUser(s, ana, 0);
    expect(lastSignedInUser(s, SIGNED_IN_MAX_AGE_MS)).toEqual(ana);
    expect(lastSignedInUser(s, SIGNED_IN_MAX_AGE_MS + 1)).toBeNull();
    s.setItem(SIGNED_IN_KEY, '{"user":{"id":""},"savedAt":1}');
    expect(lastSignedInUser(s, 2)).toBeNull();
    s.setItem(SIGNED_IN_KEY, 'not json');
    expect(lastSignedInUser(s, 2)).toBeNull();
    expect(lastSignedInUser(null)).toBeNull();
  });

  it('survives storage that throws', () => {
    const broken = { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('full'); }, removeItem: () => undefined };
    expect(() => rememberSignedInUser(broken, ana)).not.toThrow();
    expect(lastSignedInUser(broken)).toBeNull();
  });
});

describe('forgetting a user on sign-out', () => {
  it('removes every key of that user and their signed-in record, nobody else’s', () => {
    const s = memoryStorage();
    rememberSignedInUser(s, ana, 1);
    s.setItem('parley.draft.v1.u-ana.c1', '{}');
    s.setItem('parley.emoji-usage.v1.u-ana', '{}');
    s.setItem('parley.offline.v1.u-ana.history.c1', '{}');
    s.setItem('parley.draft.v1.u-bo.c1', '{}');
    s.setItem('other-app.u-ana', 'kept');
    forgetLocalData(s, 'u-ana');
    expect([...s.map.keys()].sort()).toEqual(['other-app.u-ana', 'parley.draft.v1.u-bo.c1']);
  });

  it('keeps the signed-in record when it names someone else', () => {
    const s = memoryStorage();
    rememberSignedInUser(s, bo, 1);
    s.setItem('parley.draft.v1.u-ana.c1', '{}');
    forgetLocalData(s, 'u-ana');
    expect(lastSignedInUser(s, 2)).toEqual(bo);
    expect(s.getItem('parley.draft.v1.u-ana.c1')).toBeNull();
  });
});
