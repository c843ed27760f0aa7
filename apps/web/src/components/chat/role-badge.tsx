import type { MemberRole } from '@parley/protocol';
import { ROLE_BADGE } from '../../lib/member-permissions.ts';

/** "Owner" or "Admin" beside a name; nothing for a plain member. */
export function RoleBadge({ role }: { role: MemberRole }) {
  const label = ROLE_BADGE[role];
  return label === null ? null : <span className={`role-badge role-${role}`}>{label}</span>;
}
