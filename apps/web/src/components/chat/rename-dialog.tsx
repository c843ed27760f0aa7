'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { Modal } from '../modal.tsx';
import { useApi } from '../providers.tsx';

/** Renames a group; the log records it ("You renamed the group to …") for everyone. */
export function RenameDialog({ conversationId, title, onClose }: { conversationId: string; title: string; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const inputId = useId();
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trimmed = value.trim();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (trimmed === '' || busy) return;
    if (trimmed === title) return onClose();
    setBusy(true);
    setError(null);
    try {
      await api.conversations.rename.mutate({ conversationId, title: trimmed });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.conversation(conversationId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.conversations }),
      ]);
      onClose();
    } catch (e) {
      setError(apiErrorInfo(e).message);
      setBusy(false);
    }
  }

  return (
    <Modal title="Rename group" onClose={onClose}>
      <form className="modal-form" onSubmit={(e) => void submit(e)}>
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <div className="field">
          <label htmlFor={inputId}>Group name</label>
          <input id={inputId} className="input" value={value} maxLength={100} data-autofocus onFocus={(e) => e.currentTarget.select()} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="modal-actions">
          <button type="button" className="button button-quiet" onClick={onClose}>Cancel</button>
          <button type="submit" className="button button-primary" disabled={trimmed === '' || busy}>Save</button>
        </div>
      </form>
    </Modal>
  );
}
