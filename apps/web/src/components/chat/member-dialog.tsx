'use client';
import { useEffect, useId, useRef, useState } from 'react';
import type { MemberRole } from '@parley/protocol';
import type { GroupMember, MemberAction } from '../../lib/member-permissions.ts';
import { Modal } from '../modal.tsx';
import { useApi } from '../providers.tsx';
import { RoleBadge } from './role-badge.tsx';
import { useGroupAction } from './use-group-action.ts';

interface Props {
  conversationId: string;
  member: GroupMember;
  actions: readonly MemberAction[];
  onClose: () => void;
}

const ROLE_WORD: Record<MemberRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/**
 * What the reader may do to one member: change their role or remove them. Refused actions stay
 * visible, disabled, with the reason under them; those that take power away ask first.
 */
export function MemberDialog({ conversationId, member, actions, onClose }: Props) {
  const api = useApi();
  const group = useGroupAction(conversationId);
  const [confirming, setConfirming] = useState<MemberAction | null>(null);
  const reasonId = useId();
  const stepRef = useRef<HTMLDivElement>(null);
  const firstAllowed = actions.findIndex((a) => a.permission.ok);
  // Swapping between the choices and the question unmounts the focused button: move focus on.
  const swapped = useRef(false);
  useEffect(() => {
    if (!swapped.current) return;
    stepRef.current?.querySelector<HTMLElement>('[data-step-focus]')?.focus();
  }, [confirming]);
  const ask = (action: MemberAction | null) => {
    swapped.current = true;
    setConfirming(action);
  };

  async function perform(action: MemberAction): Promise<void> {
    const done = await group.run(() =>
      action.role === null
        ? api.conversations.removeMember.mutate({ conversationId, userId: member.id })
        : api.conversations.setRole.mutate({ conversationId, userId: member.id, role: action.role }),
    );
    if (done) onClose();
    else ask(null);
  }

  const pick = (action: MemberAction) => (action.confirm === null ? void perform(action) : ask(action));
  const refusals = [...new Set(actions.flatMap((a) => (a.permission.ok ? [] : [a.permission.reason])))];

  return (
    <Modal title={`Manage ${member.displayName}`} onClose={onClose}>
      {group.error ? <p className="form-error" role="alert">{group.error}</p> : null}
      <div ref={stepRef} className="member-dialog-step">
      {confirming === null ? (
        <>
          <p className="member-dialog-role">
            Role: <strong>{ROLE_WORD[member.role]}</strong> <RoleBadge role={member.role} />
          </p>
          <div className="member-dialog-actions" role="group" aria-label={`Actions for ${member.displayName}`}>
            {actions.map((action, i) => (
              <button
                key={action.kind}
                type="button"
                className={`button button-block ${action.kind === 'remove' ? 'button-danger' : ''}`}
                disabled={!action.permission.ok || group.busy}
                aria-describedby={action.permission.ok ? undefined : reasonId}
                data-autofocus={i === firstAllowed ? true : undefined}
                data-step-focus={i === firstAllowed ? true : undefined}
                onClick={() => pick(action)}
              >
                {action.label}
              </button>
            ))}
          </div>
          {refusals.length > 0 ? (
            <p id={reasonId} className="member-reason">
              {refusals.join('. ')}.
            </p>
          ) : null}
        </>
      ) : (
        <>
          <p>{confirming.confirm}</p>
          <div className="modal-actions">
            <button type="button" className="button button-quiet" data-step-focus onClick={() => ask(null)}>
              Cancel
            </button>
            <button
              type="button"
              className={confirming.kind === 'remove' ? 'button button-danger-solid' : 'button button-primary'}
              disabled={group.busy}
              onClick={() => void perform(confirming)}
            >
              {confirming.kind === 'remove' ? 'Remove' : confirming.label}
            </button>
          </div>
        </>
      )}
      </div>
    </Modal>
  );
}
