'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { PublicUser } from '@parley/protocol';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { rememberSignedInUser } from '../../lib/signed-in-user.ts';
import { useApi } from '../providers.tsx';
import { firstErrors, SettingsField } from './settings-field.tsx';

const MAX_DISPLAY_NAME = 64;

/** The display name: what everyone who shares a conversation with you sees, changed live. */
export function ProfileForm({ me }: { me: PublicUser }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState(me.displayName);
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<'idle' | 'busy' | 'saved'>('idle');

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return setError('Display name is required');
    if (trimmed.length > MAX_DISPLAY_NAME) return setError(`A display name has at most ${MAX_DISPLAY_NAME} characters`);
    setError(undefined);
    setStatus('busy');
    try {
      const { user } = await api.account.updateProfile.mutate({ displayName: trimmed });
      queryClient.setQueryData(queryKeys.me, { user });
      rememberSignedInUser(browserStorage(), user);
      setName(user.displayName);
      setStatus('saved');
    } catch (caught) {
      const info = apiErrorInfo(caught);
      setError(firstErrors(info.fieldErrors)['displayName'] ?? info.message);
      setStatus('idle');
    }
  }

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Profile</h2>
      <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate>
        <SettingsField
          id={`${id}-name`}
          label="Display name"
          value={name}
          autoComplete="name"
          maxLength={MAX_DISPLAY_NAME + 10}
          error={error}
          hint={`Your handle is @${me.handle}.`}
          onChange={(e) => {
            setName(e.target.value);
            setStatus('idle');
          }}
        />
        <div className="settings-actions">
          <button type="submit" className="button button-primary" disabled={status === 'busy' || name.trim() === me.displayName}>
            Save name
          </button>
          <span role="status" className="settings-status">{status === 'saved' ? 'Saved. Everyone sees your new name.' : ''}</span>
        </div>
      </form>
    </section>
  );
}
