import { describe, expect, it } from 'vitest';
import { ANA, BO, ME } from '../testing/fixtures.ts';
import { systemEventText } from './system-text.ts';

const names: Record<string, string> = { [ANA]: 'Ana Lima', [BO]: 'Bo Chen' };
const nameOf = (id: string) => names[id] ?? 'Former member';

describe('systemEventText', () => {
  it('says who changed what, with "you" for the reader', () => {
    expect(systemEventText({ action: 'group_created', title: 'Trip' }, ANA, ME, nameOf)).toBe('Ana Lima created the group “Trip”');
    expect(
      systemEventText(
        { action: 'members_added', users: [{ id: ME, displayName: 'Me' }, { id: BO, displayName: 'Bo Chen' }, { id: 'x', displayName: 'Xi' }] },
        ANA,
        ME,
        nameOf,
      ),
    ).toBe('Ana Lima added you, Bo Chen and Xi');
    expect(systemEventText({ action: 'member_removed', user: { id: BO, displayName: 'Bo Chen' } }, ME, ME, nameOf)).toBe('You removed Bo Chen');
    expect(systemEventText({ action: 'member_left' }, 'gone', ME, nameOf)).toBe('Former member left');
    expect(systemEventText({ action: 'renamed', title: 'Trip 2' }, BO, ME, nameOf)).toBe('Bo Chen renamed the group to “Trip 2”');
    expect(systemEventText({ action: 'role_changed', user: { id: ME, displayName: 'Me' }, role: 'admin' }, ANA, ME, nameOf)).toBe('Ana Lima made you an admin');
    expect(systemEventText({ action: 'history_visibility_changed', visibility: 'since_joined' }, ANA, ME, nameOf)).toBe(
      'Ana Lima limited each member to messages from while they are in the group',
    );
    expect(systemEventText({ action: 'history_visibility_changed', visibility: 'all' }, ME, ME, nameOf)).toBe('You showed the whole history to every member');
    expect(systemEventText({ action: 'role_changed', user: { id: BO, displayName: 'Bo Chen' }, role: 'member' }, ME, ME, nameOf)).toBe('You made Bo Chen a member');
    expect(systemEventText({ action: 'role_changed', user: { id: ANA, displayName: 'Ana Lima' }, role: 'owner' }, ANA, ME, nameOf)).toBe('Ana Lima made themselves an owner');
  });
});
