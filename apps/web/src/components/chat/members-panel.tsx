'use client';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { byRole, canManage, groupControls, memberActions, type GroupMember } from '../../lib/member-permissions.ts';
import { Avatar } from '../avatar.tsx';
import { Modal } from '../modal.tsx';
import { PresenceStatus } from '../presence-status.tsx';
import { UserSearch } from '../conversations/user-search.tsx';
import { useApi } from '../providers.tsx';
import { HistorySetting } from './history-setting.tsx';
import { MemberDialog } from './member-dialog.tsx';
import { RoleBadge } from './role-badge.tsx';
import { useGroupAction } from './use-group-action.ts';

interface Props {
  conversation: ConversationSummary;
  me: PublicUser;
  onClose: () => void;
}

/**
 * Group members with their roles. What the reader's role allows is offered; what it does not is
 * disabled or left out, with the reason said (the rules are `groupPermissions`, shared with the server).
 */
export function MembersPanel({ conversation, me, onClose }: Props) {
  const api = useApi();
  const router = useRouter();
  const group = useGroupAction(conversation.id);
  const [managing, setManaging] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const leaveReasonId = useId();
  const memberIds = new Set(conversation.members.map((m) => m.id));
  const controls = groupControls(conversation.members, me.id);
  const groupName = conversation.title ?? 'this group';
  const actionsOn = (member: GroupMember) => memberActions(controls.role, member, me.id, groupName);
  const managed = conversation.members.find((m) => m.id === managing);

  const add = (user: PublicUser) => void group.run(() => api.conversations.addMembers.mutate({ conversationId: conversation.id, userIds: [user.id] }));
  const leave = async () => {
    setLeaving(false);
    if (await group.run(() => api.conversations.removeMember.mutate({ conversationId: conversation.id, userId: me.id }))) router.replace('/');
  };

  return (
    <aside className="members-panel" aria-label="Members">
      <div className="members-head">
        <h2>Members</h2>
        <button type="button" className="icon-button" aria-label="Close members" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {group.error ? <p className="form-error" role="alert">{group.error}</p> : null}
      <ul className="people-list" aria-label="Group members">
        {byRole(conversation.members).map((member) => (
          <li key={member.id} className="person" data-role={member.role}>
            <Avatar name={member.displayName} id={member.id} size="small" />
            <span className="person-names">
              <span className="person-name-row">
                <span className="person-name">{member.id === me.id ? `${member.displayName} (you)` : member.displayName}</span>
                <RoleBadge role={member.role} />
              </span>
              <span className="person-meta">
                <span className="person-handle">@{member.handle}</span>
                {member.id === me.id ? null : <PresenceStatus userId={member.id} />}
              </span>
            </span>
            {canManage(actionsOn(member)) ? (
              <button
                type="button"
                className="button button-small button-quiet"
                disabled={group.busy}
                aria-label={`Manage ${member.displayName}`}
                aria-haspopup="dialog"
                onClick={() => setManaging(member.id)}
              >
                Manage
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {controls.notes.length > 0 ? (
        <ul className="members-notes" aria-label="What your role allows">
          {controls.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      {controls.addMembers.ok ? (
        <>
          <h3 className="members-subhead">Add people</h3>
          <UserSearch
            exclude={memberIds}
            action={(user) => (
              <button type="button" className="button button-small" disabled={group.busy} aria-label={`Add ${user.displayName}`} onClick={() => add(user)}>
                Add
              </button>
            )}
          />
        </>
      ) : null}
      <HistorySetting conversationId={conversation.id} visibility={conversation.historyVisibility} role={controls.role} group={group} />
      <div className="members-leave">
        <button
          type="button"
          className="button button-danger button-block"
          disabled={group.busy || !controls.leave.ok}
          aria-describedby={controls.leave.ok ? undefined : leaveReasonId}
          onClick={() => setLeaving(true)}
        >
          Leave group
        </button>
        {controls.leave.ok ? null : (
          <p id={leaveReasonId} className="member-reason">
            {controls.leave.reason}.{controls.role === 'owner' ? ' Choose Manage beside their name, then Make owner.' : null}
          </p>
        )}
      </div>
      {managed !== undefined ? (
        <MemberDialog conversationId={conversation.id} member={managed} actions={actionsOn(managed)} onClose={() => setManaging(null)} />
      ) : null}
      {leaving ? (
        <Modal title="Leave group" onClose={() => setLeaving(false)}>
          <p>Leave “{groupName}”? You will stop getting its messages unless someone adds you again.</p>
          <div className="modal-actions">
            <button type="button" className="button button-quiet" data-autofocus onClick={() => setLeaving(false)}>
              Cancel
            </button>
            <button type="button" className="button button-danger-solid" onClick={() => void leave()}>
              Leave
            </button>
          </div>
        </Modal>
      ) : null}
    </aside>
  );
}
