'use client';
import Link from 'next/link';
import { useSignedInUser } from '../shell/use-signed-in-user.ts';
import { DeleteAccount } from './delete-account.tsx';
import { NotificationSettings } from './notification-settings.tsx';
import { PasswordForm } from './password-form.tsx';
import { ProfileForm } from './profile-form.tsx';
import { SessionsList } from './sessions-list.tsx';

/** Settings → Account: profile, sessions, password, deletion. */
export function AccountSettings() {
  const me = useSignedInUser().data?.user;
  if (me === undefined) return null;
  return (
    <div className="settings-page">
      <header className="settings-header">
        <Link href="/" className="button button-quiet button-small settings-back">← Conversations</Link>
        <h1>Account settings</h1>
      </header>
      <ProfileForm me={me} />
      <NotificationSettings meId={me.id} />
      <SessionsList />
      <PasswordForm />
      <DeleteAccount me={me} />
    </div>
  );
}
