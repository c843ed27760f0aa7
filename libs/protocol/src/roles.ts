import { z } from 'zod';

/**
 * A member's role in a group. The creator is the first owner; owners and admins manage the
 * group; everyone may leave. Direct conversations have only members.
 */
export const MemberRoleSchema = z.enum(['owner', 'admin', 'member']);
export type MemberRole = z.infer<typeof MemberRoleSchema>;

/**
 * A group's history policy: `all` (the default) lets members see everything said in it, also
 * before they joined or while they were out; `since_joined` shows each member only what was
 * said while they were a member. Direct conversations are always `all`.
 */
export const HistoryVisibilitySchema = z.enum(['all', 'since_joined']);
export type HistoryVisibility = z.infer<typeof HistoryVisibilitySchema>;

/** Allowed, or refused with a sentence a UI can show as the reason a control is disabled. */
export type Permission = { ok: true } | { ok: false; reason: string };

const ALLOWED: Permission = { ok: true };
const refuse = (reason: string): Permission => ({ ok: false, reason });
const manages = (role: MemberRole) => role === 'owner' || role === 'admin';

/**
 * The group rules, one function per action, shared by the server (which enforces them) and
 * clients (which hide or disable what a person may not do, and say why).
 */
export const groupPermissions = {
  addMembers: (actor: MemberRole): Permission => (manages(actor) ? ALLOWED : refuse('Only owners and admins can add people')),
  rename: (actor: MemberRole): Permission => (manages(actor) ? ALLOWED : refuse('Only owners and admins can rename the group')),
  /** Removing someone else (leaving is `leave`). Admins cannot remove owners. */
  remove: (actor: MemberRole, target: MemberRole): Permission => {
    if (!manages(actor)) return refuse('Only owners and admins can remove people');
    if (target === 'owner' && actor !== 'owner') return refuse('Only an owner can remove an owner');
    return ALLOWED;
  },
  /** Owners may set any role; admins may make members admins and admins members. */
  setRole: (actor: MemberRole, target: MemberRole, role: MemberRole): Permission => {
    if (!manages(actor)) return refuse('Only owners and admins can change roles');
    if (actor !== 'owner' && (target === 'owner' || role === 'owner')) return refuse('Only an owner can make or unmake an owner');
    return ALLOWED;
  },
  /** Who sees the history from before they joined: a privacy decision, so owners only. */
  setHistoryVisibility: (actor: MemberRole): Permission =>
    actor === 'owner' ? ALLOWED : refuse('Only owners can change who sees the history'),
  /** Anyone may leave, but a group with other members always keeps an owner. */
  leave: (actor: MemberRole, owners: number, members: number): Permission =>
    actor === 'owner' && owners === 1 && members > 1 ? refuse('Make someone else an owner before you leave') : ALLOWED,
} as const;
