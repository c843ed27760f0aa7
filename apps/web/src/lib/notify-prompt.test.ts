import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../testing/memory-storage.ts';
import { notificationOffer, promptKey, pushPromptKey, shouldOfferNotifications } from './notify-prompt.ts';

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

describe('notificationOffer', () => {
  it('asks for the permission first, then offers push to someone who has notifications but no push here', () => {
    const storage = memoryStorage();
    const base = { permission: 'default' as const, pushSupported: true, pushOn: false, active: true, storage, userId: 'u1' };
    expect(notificationOffer({ ...base, active: false })).toBe('none');
    expect(notificationOffer(base)).toBe('notifications');
    const granted = { ...base, permission: 'granted' as const };
    expect(notificationOffer(granted)).toBe('push');
    expect(notificationOffer({ ...granted, pushOn: true })).toBe('none');
    expect(notificationOffer({ ...granted, pushSupported: false })).toBe('none');
    expect(notificationOffer({ ...granted, active: false })).toBe('none');
    expect(notificationOffer({ ...base, permission: 'denied' })).toBe('none');
    storage.setItem(pushPromptKey('u1'), 'dismissed');
    expect(notificationOffer(granted)).toBe('none');
    expect(notificationOffer({ ...granted, userId: 'u2' })).toBe('push');
  });
});
