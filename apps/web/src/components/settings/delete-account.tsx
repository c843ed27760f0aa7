'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import type { PublicUser } from '@parley/protocol';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { forgetUnsent } from '../../lib/realtime.ts';
import { forgetLocalData } from '../../lib/signed-in-user.ts';
import { Modal } from '../modal.tsx';
import { useApi } from '../providers.tsx';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { SettingsField } from './settings-field.tsx';

/** Deleting is final: the person types their handle, and their password, to confirm. */
export function DeleteAccount({ me }: { me: PublicUser }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <section className="settings-section settings-danger" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Delete account</h2>
      <p className="settings-lead">
        You leave every group and are signed out everywhere. Your messages stay in the conversations they were sent to, shown as
        from “Deleted user”; your handle @{me.handle} becomes free for someone else. This cannot be undone.
      </p>
      <div className="settings-actions">
        <button type="button" className="button button-danger" onClick={() => setOpen(true)}>Delete my account…</button>
      </div>
      {open ? <DeleteDialog me={me} onClose={() => setOpen(false)} /> : null}
    </section>
  );
}

function DeleteDialog({ me, onClose }: { me: PublicUser; onClose: () => void }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { client } = useRealtime();
  const id = useId();
  const [typed, setTyped] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ field: 'password' | 'form'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmed = typed.trim().replace(/^@/, '').toLowerCase() === me.handle;

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!confirmed) return;
    setBusy(true);
    setError(null);
    try {
      await api.account.delete.mutate({ password });
    } catch (caught) {
      const info = apiErrorInfo(caught);
      setError(info.code === 'UNAUTHORIZED' ? { field: 'password', text: 'Password is wrong' } : { field: 'form', text: info.message });
      setBusy(false);
      return;
    }
    // Nothing of the account stays on this device either.
    await forgetUnsent(client, me.id);
    forgetLocalData(browserStorage(), me.id);
    queryClient.clear();
    queryClient.setQueryData(queryKeys.me, null);
    router.replace('/sign-in');
  }

  return (
    <Modal title="Delete your account?" onClose={onClose}>
      <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate>
        <p>This deletes @{me.handle} for good. Type your handle to confirm.</p>
        {error?.field === 'form' ? <p className="form-error" role="alert">{error.text}</p> : null}
        <SettingsField id={`${id}-handle`} label={`Type ${me.handle}`} value={typed} autoComplete="off" autoCapitalize="off" spellCheck={false} data-autofocus onChange={(e) => setTyped(e.target.value)} />
        <SettingsField
          id={`${id}-password`}
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={error?.field === 'password' ? error.text : undefined}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="modal-actions">
          <button type="button" className="button button-quiet" onClick={onClose}>Cancel</button>
          <button type="submit" className="button button-danger-solid" disabled={!confirmed || password === '' || busy}>Delete account</button>
        </div>
      </form>
    </Modal>
  );
}
