import { groupPermissions, type MemberRole, type Message, type Permission } from '@parley/protocol';
import type { ConversationSummary } from './api-types.ts';

export type GroupMember = ConversationSummary['members'][number];

/** The badge beside a name; plain members carry none. */
export const ROLE_BADGE: Record<MemberRole, string | null> = { owner: 'Owner', admin: 'Admin', member: null };

const ROLE_RANK: Record<MemberRole, number> = { owner: 0, admin: 1, member: 2 };

/** Owners first, then admins, then members; the server's order within each. */
export function byRole(members: readonly GroupMember[]): GroupMember[] {
  return members
    .map((member, index) => ({ member, index }))
    .sort((a, b) => ROLE_RANK[a.member.role] - ROLE_RANK[b.member.role] || a.index - b.index)
    .map((x) => x.member);
}

/** Someone who is not (or no longer) a member can do nothing, like the server says. */
const NOT_A_MEMBER: Permission = { ok: false, reason: 'You are not a member of this group' };

/** What the reader may do to the group as a whole, each with the reason when not. */
export interface GroupControls {
  role: MemberRole | undefined;
  addMembers: Permission;
  rename: Permission;
  leave: Permission;
  /** The reasons a plain member sees once, instead of controls that would all be refused. */
  notes: string[];
}

export function groupControls(members: readonly GroupMember[], meId: string): GroupControls {
  const role = members.find((m) => m.id === meId)?.role;
  if (role === undefined) return { role, addMembers: NOT_A_MEMBER, rename: NOT_A_MEMBER, leave: NOT_A_MEMBER, notes: [] };
  const owners = members.filter((m) => m.role === 'owner').length;
  const addMembers = groupPermissions.addMembers(role);
  const rename = groupPermissions.rename(role);
  // Probed against a plain member: if even that is refused, no row offers the control.
  const remove = groupPermissions.remove(role, 'member');
  const setRole = groupPermissions.setRole(role, 'member', 'admin');
  const notes = [...new Set([addMembers, remove, setRole, rename].flatMap((p) => (p.ok ? [] : [p.reason])))];
  return { role, addMembers, rename, leave: groupPermissions.leave(role, owners, members.length), notes };
}

export type MemberActionKind = 'make_owner' | 'make_admin' | 'make_member' | 'remove';

/** One thing the reader could do to another member, allowed or refused with the reason. */
export interface MemberAction {
  kind: MemberActionKind;
  label: string;
  /** The role it sets; none for `remove`. */
  role: MemberRole | null;
  permission: Permission;
  /** Asked before doing it (it takes power away, or hands it over); null when it just happens. */
  confirm: string | null;
}

const ROLE_ACTIONS: { kind: MemberActionKind; role: MemberRole; label: string }[] = [
  { kind: 'make_owner', role: 'owner', label: 'Make owner' },
  { kind: 'make_admin', role: 'admin', label: 'Make admin' },
  { kind: 'make_member', role: 'member', label: 'Make member' },
];

function confirmText(kind: MemberActionKind, target: GroupMember, groupName: string): string | null {
  const name = target.displayName;
  switch (kind) {
    case 'make_owner':
      return `${name} will be an owner of “${groupName}”: they can do everything you can, including change your role or remove you.`;
    case 'make_admin':
      return target.role === 'owner' ? `${name} will no longer be an owner. They can still add and remove members.` : null;
    case 'make_member':
      return `${name} will no longer be able to add or remove people, rename the group or change roles.`;
    case 'remove':
      return `Remove ${name} from “${groupName}”? They will no longer see new messages.`;
  }
}

/**
 * The role changes (every role but the current one) and removal, as `groupPermissions` judges
 * them for this reader. Nothing for yourself (leaving is its own control) or for a non-member.
 */
export function memberActions(actorRole: MemberRole | undefined, target: GroupMember, meId: string, groupName: string): MemberAction[] {
  if (target.id === meId || actorRole === undefined) return [];
  const roleActions = ROLE_ACTIONS.filter((a) => a.role !== target.role).map((a) => ({
    kind: a.kind,
    label: a.label,
    role: a.role,
    permission: groupPermissions.setRole(actorRole, target.role, a.role),
    confirm: confirmText(a.kind, target, groupName),
  }));
  const remove: MemberAction = {
    kind: 'remove',
    label: 'Remove from group',
    role: null,
    permission: groupPermissions.remove(actorRole, target.role),
    confirm: confirmText('remove', target, groupName),
  };
  return [...roleActions, remove];
}

/** Whether the reader gets a "Manage" control on this member at all (some action is allowed). */
export function canManage(actions: readonly MemberAction[]): boolean {
  return actions.some((a) => a.permission.ok);
}

/**
 * Folds a live `role_changed` system message into a conversation's members, the way `renamedTo`
 * folds a rename: the badge moves at once, and a replay after a reconnect (the SDK asks for
 * `seq > last`) brings it up to date even when the `conversation_changed` refetch was lost.
 * Events at or below the summary's `lastSeq` are already in it.
 */
export function applyRoleChange<T extends Pick<ConversationSummary, 'members' | 'lastSeq'>>(summary: T, message: Pick<Message, 'kind' | 'system' | 'seq'>): T {
  if (message.kind !== 'system' || message.system?.action !== 'role_changed' || message.seq <= summary.lastSeq) return summary;
  const { user, role } = message.system;
  if (!summary.members.some((m) => m.id === user.id)) return summary;
  return { ...summary, lastSeq: message.seq, members: summary.members.map((m) => (m.id === user.id ? { ...m, role } : m)) };
}
