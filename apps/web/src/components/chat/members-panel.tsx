'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { Avatar } from '../avatar.tsx';
import { PresenceStatus } from '../presence-status.tsx';
import { UserSearch } from '../conversations/user-search.tsx';
import { useApi } from '../providers.tsx';

interface Props {
  conversation: ConversationSummary;
  me: PublicUser;
  onClose: () => void;
}

/** Group members: add people, remove them, or leave (remove yourself). */
export function MembersPanel({ conversation, me, onClose }: Props) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const memberIds = new Set(conversation.members.map((m) => m.id));

  async function run(action: () => Promise<unknown>, after?: () => void): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.conversation(conversation.id) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.conversations }),
      ]);
      after?.();
    } catch (e) {
      setError(apiErrorInfo(e).message);
    } finally {
      setBusy(false);
    }
  }

  const remove = (user: PublicUser) => run(() => api.conversations.removeMember.mutate({ conversationId: conversation.id, userId: user.id }));
  const leave = () =>
    run(
      () => api.conversations.removeMember.mutate({ conversationId: conversation.id, userId: me.id }),
      () => router.replace('/'),
    );
  const add = (user: PublicUser) => run(() => api.conversations.addMembers.mutate({ conversationId: conversation.id, userIds: [user.id] }));

  return (
    <aside className="members-panel" aria-label="Members">
      <div className="members-head">
        <h2>Members</h2>
        <button type="button" className="icon-button" aria-label="Close members" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      <ul className="people-list" aria-label="Group members">
        {conversation.members.map((member) => (
          <li key={member.id} className="person">
            <Avatar name={member.displayName} id={member.id} size="small" />
            <span className="person-names">
              <span className="person-name">{member.id === me.id ? `${member.displayName} (you)` : member.displayName}</span>
              <span className="person-meta">
                <span className="person-handle">@{member.handle}</span>
                {member.id === me.id ? null : <PresenceStatus userId={member.id} />}
              </span>
            </span>
            {member.id === me.id ? null : (
              <button type="button" className="button button-small button-quiet" disabled={busy} aria-label={`Remove ${member.displayName}`} onClick={() => void remove(member)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <h3 className="members-subhead">Add people</h3>
      <UserSearch
        exclude={memberIds}
        action={(user) => (
          <button type="button" className="button button-small" disabled={busy} aria-label={`Add ${user.displayName}`} onClick={() => void add(user)}>
            Add
          </button>
        )}
      />
      <button type="button" className="button button-danger button-block members-leave" disabled={busy} onClick={() => void leave()}>
        Leave group
      </button>
    </aside>
  );
}
