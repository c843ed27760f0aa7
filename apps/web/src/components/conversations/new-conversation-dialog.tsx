'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { withConversation } from '../../lib/conversation-pages.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { Modal } from '../modal.tsx';
import { useApi } from '../providers.tsx';
import { UserSearch } from './user-search.tsx';

type Mode = 'direct' | 'group';

export function NewConversationDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const titleId = useId();
  const [mode, setMode] = useState<Mode>('direct');
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function open(run: () => Promise<{ conversationId: string }>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const { conversationId } = await run();
      // That one conversation into the list before it opens (not the whole list again: with
      // many conversations that is many pages). Its `conversation_changed` reads it again.
      const created = await api.conversations.get.query({ conversationId });
      queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) => (list === undefined ? list : withConversation(list, created)));
      onClose();
      router.push(`/c/${conversationId}`);
    } catch (e) {
      setError(apiErrorInfo(e).message);
      setBusy(false);
    }
  }

  const chosenIds = new Set(chosen.map((u) => u.id));
  const canCreate = title.trim().length > 0 && chosen.length > 0 && !busy;

  return (
    <Modal title="New conversation" onClose={onClose}>
      <div className="segmented" role="group" aria-label="Conversation type">
        <button type="button" aria-pressed={mode === 'direct'} onClick={() => setMode('direct')}>Direct message</button>
        <button type="button" aria-pressed={mode === 'group'} onClick={() => setMode('group')}>Group</button>
      </div>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      {mode === 'group' ? (
        <>
          <div className="field">
            <label htmlFor={titleId}>Group name</label>
            <input id={titleId} className="input" value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} />
          </div>
          {chosen.length > 0 ? (
            <ul className="chips" aria-label="Chosen members">
              {chosen.map((u) => (
                <li key={u.id} className="chip">
                  {u.displayName}
                  <button type="button" aria-label={`Remove ${u.displayName}`} onClick={() => setChosen((c) => c.filter((x) => x.id !== u.id))}>
                    <span aria-hidden="true">×</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <UserSearch
        autoFocus
        exclude={mode === 'group' ? chosenIds : undefined}
        action={(user) =>
          mode === 'direct' ? (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              aria-label={`Message ${user.displayName}`}
              onClick={() => void open(() => api.conversations.openDirect.mutate({ userId: user.id }))}
            >
              Message
            </button>
          ) : (
            <button
              type="button"
              className="button button-small"
              aria-label={`Add ${user.displayName}`}
              onClick={() => setChosen((c) => [...c, user])}
            >
              Add
            </button>
          )
        }
      />
      {mode === 'group' ? (
        <div className="modal-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={!canCreate}
            onClick={() =>
              void open(() => api.conversations.createGroup.mutate({ title: title.trim(), memberIds: chosen.map((u) => u.id) }))
            }
          >
            Create group
          </button>
        </div>
      ) : null}
    </Modal>
  );
}
