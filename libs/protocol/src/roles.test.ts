import { describe, expect, it } from 'vitest';
import { groupPermissions as can, type MemberRole } from './roles.ts';

const roles: MemberRole[] = ['owner', 'admin', 'member'];
const ok = (p: { ok: boolean }) => p.ok;

describe('group permissions', () => {
  it('let owners and admins manage, and members only leave', () => {
    expect(roles.map((r) => ok(can.addMembers(r)))).toEqual([true, true, false]);
    expect(roles.map((r) => ok(can.rename(r)))).toEqual([true, true, false]);
    // [actor][target]
    expect(roles.map((a) => roles.map((t) => ok(can.remove(a, t))))).toEqual([
      [true, true, true],
      [false, true, true],
      [false, false, false],
    ]);
  });

  it('keep owners in the hands of owners', () => {
    expect(ok(can.setRole('owner', 'member', 'owner'))).toBe(true);
    expect(ok(can.setRole('owner', 'owner', 'member'))).toBe(true);
    expect(ok(can.setRole('admin', 'member', 'admin'))).toBe(true);
    expect(ok(can.setRole('admin', 'admin', 'member'))).toBe(true);
    expect(can.setRole('admin', 'member', 'owner')).toEqual({ ok: false, reason: 'Only an owner can make or unmake an owner' });
    expect(ok(can.setRole('admin', 'owner', 'member'))).toBe(false);
    expect(ok(can.setRole('member', 'member', 'admin'))).toBe(false);
  });

  it('never leave a group with members but no owner', () => {
    expect(can.leave('owner', 1, 3)).toEqual({ ok: false, reason: 'Make someone else an owner before you leave' });
    expect(ok(can.leave('owner', 2, 3))).toBe(true);
    expect(ok(can.leave('owner', 1, 1))).toBe(true);
    expect(ok(can.leave('member', 1, 3))).toBe(true);
  });
});
