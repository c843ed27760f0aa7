'use client';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { rememberSignedInUser } from '../../lib/signed-in-user.ts';
import { useApi } from '../providers.tsx';
import { validateAuthFields, type AuthFields, type FieldErrors } from './auth-validation.ts';

export type AuthMode = 'sign-in' | 'sign-up';

export function AuthForm({ mode }: { mode: AuthMode }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const ids = useId();
  const [fields, setFields] = useState<AuthFields>({ handle: '', displayName: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = mode === 'sign-up';

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const local = validateAuthFields(fields, mode);
    setFieldErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const handle = fields.handle.trim();
      const result = signUp
        ? await api.auth.signUp.mutate({ handle, displayName: fields.displayName.trim(), password: fields.password })
        : await api.auth.signIn.mutate({ handle, password: fields.password });
      queryClient.setQueryData(queryKeys.me, { user: result.user });
      // Whoever signed in last is who an offline start shows (never a previous user).
      rememberSignedInUser(browserStorage(), result.user);
      router.replace('/');
    } catch (error) {
      const info = apiErrorInfo(error);
      if (info.code === 'CONFLICT') setFieldErrors({ handle: info.message });
      else if (Object.keys(info.fieldErrors).length > 0) setFieldErrors(firstErrors(info.fieldErrors));
      else setFormError(info.message);
      setBusy(false);
    }
  }

  function field(name: keyof AuthFields, label: string, props: { type?: string; autoComplete: string; hint?: string }) {
    const id = `${ids}-${name}`;
    const error = fieldErrors[name];
    const describedBy = [error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          name={name}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          autoCapitalize="off"
          spellCheck={false}
          value={fields[name]}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => setFields((f) => ({ ...f, [name]: e.target.value }))}
        />
        {props.hint && !error ? <p id={`${id}-hint`} className="field-hint">{props.hint}</p> : null}
        {error ? <p id={`${id}-error`} className="field-error">{error}</p> : null}
      </div>
    );
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${ids}-title`}>
        <div className="brand brand-large" aria-hidden="true">Parley</div>
        <h1 id={`${ids}-title`}>{signUp ? 'Create your account' : 'Welcome back'}</h1>
        {formError ? <p className="form-error" role="alert">{formError}</p> : null}
        {field('handle', 'Handle', {
          autoComplete: 'username',
          hint: signUp ? 'Lowercase letters, digits and _; people find you by it.' : undefined,
        })}
        {signUp ? field('displayName', 'Display name', { autoComplete: 'name' }) : null}
        {field('password', 'Password', {
          type: 'password',
          autoComplete: signUp ? 'new-password' : 'current-password',
          hint: signUp ? 'At least 8 characters.' : undefined,
        })}
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {signUp ? 'Sign up' : 'Sign in'}
        </button>
        <p className="auth-switch">
          {signUp ? 'Already have an account? ' : 'New to Parley? '}
          <Link href={signUp ? '/sign-in' : '/sign-up'}>{signUp ? 'Sign in instead' : 'Create an account'}</Link>
        </p>
      </form>
    </main>
  );
}

function firstErrors(errors: Record<string, string[] | undefined>): FieldErrors {
  const out: FieldErrors = {};
  for (const key of ['handle', 'displayName', 'password'] as const) {
    const first = errors[key]?.[0];
    if (first !== undefined) out[key] = first;
  }
  return out;
}
