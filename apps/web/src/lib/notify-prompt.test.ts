import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../testing/memory-storage.ts';
import { promptKey, shouldOfferNotifications } from './notify-prompt.ts';

describe('shouldOfferNotifications', () => {
  it('offers only after activity, while the browser has not been asked, until dismissed', () => {
    const storage = memoryStorage();
    const base = { permission: 'default' as const, active: true, storage, userId: 'u1' };
    expect(shouldOfferNotifications({ ...base, active: false })).toBe(false);
    expect(shouldOfferNotifications(base)).toBe(true);
    for (const permission of ['granted', 'denied', 'unsupported'] as const) expect(shouldOfferNotifications({ ...base, permission })).toBe(false);
    storage.setItem(promptKey('u1'), 'dismissed');
    expect(shouldOfferNotifications(base)).toBe(false);
    expect(shouldOfferNotifications({ ...base, userId: 'u2' })).toBe(true);
  });
});
