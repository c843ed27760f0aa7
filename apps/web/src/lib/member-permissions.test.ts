import { describe, expect, it } from 'vitest';
import type { MemberRole } from '@parley/protocol';
import { ANA, BO, ME, conversation, message } from '../testing/fixtures.ts';
import { applyRoleChange, byRole, canManage, groupControls, memberActions, type GroupMember } from './member-permissions.ts';

const person = (id: string, displayName: string, role: MemberRole): GroupMember => ({ id, handle: displayName.toLowerCase(), displayName, role });
const group = (me: MemberRole, ana: MemberRole, bo: MemberRole = 'member'): GroupMember[] => [
  person(ME, 'Me', me),
  person(ANA, 'Ana', ana),
  person(BO, 'Bo', bo),
];
const kinds = (actions: ReturnType<typeof memberActions>, ok: boolean) => actions.filter((a) => a.permission.ok === ok).map((a) => a.kind);

describe('groupControls', () => {
  it('lets owners and admins add and rename, with no notes', () => {
    for (const role of ['owner', 'admin'] as const) {
      const c = groupControls(group(role, 'owner'), ME);
      expect(c).toMatchObject({ role, addMembers: { ok: true }, rename: { ok: true }, notes: [] });
    }
  });

  it('tells a plain member why add, remove, roles and rename are not theirs', () => {
    const c = groupControls(group('member', 'owner'), ME);
    expect(c.addMembers).toEqual({ ok: false, reason: 'Only owners and admins can add people' });
    expect(c.rename).toEqual({ ok: false, reason: 'Only owners and admins can rename the group' });
    expect(c.notes).toEqual([
      'Only owners and admins can add people',
      'Only owners and admins can remove people',
      'Only owners and admins can change roles',
      'Only owners and admins can rename the group',
    ]);
    expect(c.leave.ok).toBe(true);
  });

  it('keeps the last owner from leaving a group with others, but not a second owner or the last one out', () => {
    expect(groupControls(group('owner', 'admin'), ME).leave).toEqual({ ok: false, reason: 'Make someone else an owner before you leave' });
    expect(groupControls(group('owner', 'owner'), ME).leave.ok).toBe(true);
    expect(groupControls([person(ME, 'Me', 'owner')], ME).leave.ok).toBe(true);
  });

  it('allows nothing to someone who is no longer a member', () => {
    const c = groupControls([person(ANA, 'Ana', 'owner')], ME);
    expect([c.role, c.addMembers.ok, c.rename.ok, c.leave.ok]).toEqual([undefined, false, false, false]);
  });
});

describe('memberActions', () => {
  const ana = (role: MemberRole) => person(ANA, 'Ana', role);

  it('lets an owner set any other role and remove anyone, asking before taking power away', () => {
    const actions = memberActions('owner', ana('admin'), ME, 'Trip');
    expect(kinds(actions, true)).toEqual(['make_owner', 'make_member', 'remove']);
    expect(actions.find((a) => a.kind === 'make_owner')?.confirm).toContain('including change your role or remove you');
    expect(actions.find((a) => a.kind === 'make_member')?.confirm).toContain('no longer be able to');
    expect(actions.find((a) => a.kind === 'remove')?.confirm).toBe('Remove Ana from “Trip”? They will no longer see new messages.');
  });

  it('promotes a member to admin without asking', () => {
    const promote = memberActions('owner', ana('member'), ME, 'Trip').find((a) => a.kind === 'make_admin');
    expect(promote).toMatchObject({ role: 'admin', permission: { ok: true }, confirm: null });
  });

  it('lets an admin manage members and admins but not owners, and says why', () => {
    expect(kinds(memberActions('admin', ana('member'), ME, 'Trip'), true)).toEqual(['make_admin', 'remove']);
    const onOwner = memberActions('admin', ana('owner'), ME, 'Trip');
    expect(canManage(onOwner)).toBe(false);
    expect(onOwner.map((a) => a.permission)).toEqual([
      { ok: false, reason: 'Only an owner can make or unmake an owner' },
      { ok: false, reason: 'Only an owner can make or unmake an owner' },
      { ok: false, reason: 'Only an owner can remove an owner' },
    ]);
  });

  it('gives a plain member nothing to manage, and nobody anything on themselves', () => {
    expect(canManage(memberActions('member', ana('member'), ME, 'Trip'))).toBe(false);
    expect(memberActions('owner', person(ME, 'Me', 'owner'), ME, 'Trip')).toEqual([]);
    expect(memberActions(undefined, ana('member'), ME, 'Trip')).toEqual([]);
  });
});

describe('byRole', () => {
  it('lists owners, then admins, then members, keeping the order within each', () => {
    const list = [person(ME, 'Me', 'member'), person(ANA, 'Ana', 'admin'), person(BO, 'Bo', 'owner'), person('x', 'Xi', 'member')];
    expect(byRole(list).map((m) => m.displayName)).toEqual(['Bo', 'Ana', 'Me', 'Xi']);
  });
});

describe('applyRoleChange', () => {
  const summary = conversation('c1', { kind: 'group', lastSeq: 4, members: group('owner', 'member') });
  const changed = (seq: number, id: string, role: MemberRole) =>
    message(seq, { kind: 'system', body: '', senderId: ME, system: { action: 'role_changed', user: { id, displayName: 'Ana' }, role } });

  it('moves the member’s role and the summary’s seq', () => {
    const next = applyRoleChange(summary, changed(5, ANA, 'admin'));
    expect(next.members.find((m) => m.id === ANA)?.role).toBe('admin');
    expect(next.lastSeq).toBe(5);
    expect(applyRoleChange(next, changed(6, ANA, 'member')).members.find((m) => m.id === ANA)?.role).toBe('member');
  });

  it('ignores replays it already holds, other events and people not in the group', () => {
    expect(applyRoleChange(summary, changed(4, ANA, 'admin'))).toBe(summary);
    expect(applyRoleChange(summary, message(5, { kind: 'system', body: '', system: { action: 'renamed', title: 'x' } }))).toBe(summary);
    expect(applyRoleChange(summary, changed(5, 'stranger', 'admin'))).toBe(summary);
  });
});
