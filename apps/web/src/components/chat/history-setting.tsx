'use client';
import { useId, useState } from 'react';
import { groupPermissions, type HistoryVisibility, type MemberRole } from '@parley/protocol';
import { useApi } from '../providers.tsx';
import type { GroupAction } from './use-group-action.ts';

const CHOICES: { value: HistoryVisibility; label: string; hint: string }[] = [
  { value: 'all', label: 'Whole history', hint: 'Everyone in the group sees everything said in it, also before they joined.' },
  { value: 'since_joined', label: 'Only while a member', hint: 'People see what was said while they were in the group, nothing from before or between.' },
];

interface Props {
  conversationId: string;
  visibility: HistoryVisibility;
  /** The reader's role; undefined when they are not a member. */
  role: MemberRole | undefined;
  group: GroupAction;
}

/**
 * Who sees which part of the group's history (PROTOCOL.md §5). Owners choose; everyone else
 * sees the setting and why they cannot change it (the rule is `groupPermissions`, shared with the server).
 */
export function HistorySetting({ conversationId, visibility, role, group }: Props) {
  const api = useApi();
  const reasonId = useId();
  const permission = role === undefined ? { ok: false as const, reason: 'Not a member' } : groupPermissions.setHistoryVisibility(role);
  // The choice shows at once; the summary (refetched, or folded from the system message) takes
  // over when the change is done, or the old value comes back with the error when it is refused.
  const [pending, setPending] = useState<HistoryVisibility | null>(null);
  const shown = pending ?? visibility;
  const choose = (next: HistoryVisibility) => {
    if (next === shown) return;
    setPending(next);
    void group.run(() => api.conversations.setHistoryVisibility.mutate({ conversationId, visibility: next })).finally(() => setPending(null));
  };
  return (
    <fieldset className="history-setting" disabled={!permission.ok || group.busy} aria-describedby={permission.ok ? undefined : reasonId}>
      <legend className="members-subhead">Message history</legend>
      {CHOICES.map((choice) => (
        <label key={choice.value} className="history-choice">
          <input type="radio" name={`history-${conversationId}`} value={choice.value} checked={shown === choice.value} onChange={() => choose(choice.value)} />
          <span>
            <span className="history-choice-label">{choice.label}</span>
            <span className="member-reason">{choice.hint}</span>
          </span>
        </label>
      ))}
      {permission.ok ? null : (
        <p id={reasonId} className="member-reason">
          {permission.reason}.
        </p>
      )}
    </fieldset>
  );
}
