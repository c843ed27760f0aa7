'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';
import { firstErrors, SettingsField } from './settings-field.tsx';

const MIN_PASSWORD = 8;
type Fields = { current: string; next: string; confirm: string };
type Errors = Partial<Record<keyof Fields | 'form', string>>;

/** Needs the current password; on success every other session is signed out. */
export function PasswordForm() {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const [fields, setFields] = useState<Fields>({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');

  function validate(): Errors {
    const e: Errors = {};
    if (fields.current === '') e.current = 'Enter your current password';
    if (fields.next.length < MIN_PASSWORD) e.next = `A password has at least ${MIN_PASSWORD} characters`;
    else if (fields.next === fields.current) e.next = 'Choose a password different from the current one';
    if (fields.confirm !== fields.next) e.confirm = 'The two new passwords differ';
    return e;
  }

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setDone('');
    const local = validate();
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const { revoked } = await api.account.changePassword.mutate({ currentPassword: fields.current, newPassword: fields.next });
      setFields({ current: '', next: '', confirm: '' });
      setDone(revoked === 0 ? 'Password changed.' : `Password changed. ${revoked === 1 ? '1 other session was' : `${revoked} other sessions were`} signed out.`);
      await queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
    } catch (caught) {
      const info = apiErrorInfo(caught);
      const byField = firstErrors(info.fieldErrors);
      if (info.code === 'UNAUTHORIZED') setErrors({ current: info.message });
      else if (byField['newPassword']) setErrors({ next: byField['newPassword'] });
      else setErrors({ form: info.message });
    } finally {
      setBusy(false);
    }
  }

  const set = (name: keyof Fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Password</h2>
      <p className="settings-lead">Changing it signs out every other session.</p>
      <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate>
        {errors.form ? <p className="form-error" role="alert">{errors.form}</p> : null}
        <SettingsField id={`${id}-current`} label="Current password" type="password" autoComplete="current-password" value={fields.current} error={errors.current} onChange={set('current')} />
        <SettingsField id={`${id}-next`} label="New password" type="password" autoComplete="new-password" value={fields.next} error={errors.next} hint={`At least ${MIN_PASSWORD} characters.`} onChange={set('next')} />
        <SettingsField id={`${id}-confirm`} label="Repeat new password" type="password" autoComplete="new-password" value={fields.confirm} error={errors.confirm} onChange={set('confirm')} />
        <div className="settings-actions">
          <button type="submit" className="button button-primary" disabled={busy}>Change password</button>
          <span role="status" className="settings-status">{done}</span>
        </div>
      </form>
    </section>
  );
}
