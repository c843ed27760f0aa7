'use client';
import { useId, useState, type FormEvent } from 'react';
import { Modal } from '../modal.tsx';
import { useApi } from '../providers.tsx';
import { useGroupAction } from './use-group-action.ts';

/** Renames a group; the log records it ("You renamed the group to …") for everyone. */
export function RenameDialog({ conversationId, title, onClose }: { conversationId: string; title: string; onClose: () => void }) {
  const api = useApi();
  const { busy, error, run } = useGroupAction(conversationId);
  const inputId = useId();
  const [value, setValue] = useState(title);
  const trimmed = value.trim();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (trimmed === '' || busy) return;
    if (trimmed === title) return onClose();
    if (await run(() => api.conversations.rename.mutate({ conversationId, title: trimmed }))) onClose();
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
