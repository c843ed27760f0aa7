import type { SystemEvent } from '@parley/protocol';

/** Names people the way the timeline shows them: "You" for the reader. */
export interface NameOf {
  (userId: string): string;
}

const ROLE_NOUN: Record<Extract<SystemEvent, { action: 'role_changed' }>['role'], string> = {
  owner: 'an owner',
  admin: 'an admin',
  member: 'a member',
};

function list(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * A change to the conversation, as one line of the timeline: "Ana renamed the group to “Trip”".
 * Users named by the event carry their display name at the time; the reader is "you".
 */
export function systemEventText(system: SystemEvent, actorId: string, meId: string, nameOf: NameOf): string {
  const actor = actorId === meId ? 'You' : nameOf(actorId);
  const named = (user: { id: string; displayName: string }) => (user.id === meId ? 'you' : user.displayName);
  switch (system.action) {
    case 'group_created':
      return system.title ? `${actor} created the group “${system.title}”` : `${actor} created the group`;
    case 'members_added':
      return `${actor} added ${list(system.users.map(named))}`;
    case 'member_removed':
      return `${actor} removed ${named(system.user)}`;
    case 'member_left':
      return `${actor} left`;
    case 'renamed':
      return `${actor} renamed the group to “${system.title}”`;
    case 'role_changed': {
      const whom = system.user.id === actorId ? (actorId === meId ? 'yourself' : 'themselves') : named(system.user);
      return `${actor} made ${whom} ${ROLE_NOUN[system.role]}`;
    }
    case 'history_visibility_changed':
      return system.visibility === 'all'
        ? `${actor} showed the whole history to every member`
        : `${actor} limited each member to messages from while they are in the group`;
  }
}
