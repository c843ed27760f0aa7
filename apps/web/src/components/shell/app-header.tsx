'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { useApi } from '../providers.tsx';
import { Avatar } from '../avatar.tsx';

export function AppHeader({ me }: { me: PublicUser }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);

  async function signOut(): Promise<void> {
    setBusy(true);
    try {
      await api.auth.signOut.mutate();
    } catch {
      // Signing out locally still matters if the server is unreachable: the cookie expires on its own.
    }
    queryClient.clear();
    queryClient.setQueryData(['me'], null);
    router.replace('/sign-in');
  }

  return (
    <header className="app-header">
      <span className="brand">Parley</span>
      <div className="app-header-user">
        <Avatar name={me.displayName} id={me.id} size="small" />
        <span className="app-header-name" title={`@${me.handle}`}>{me.displayName}</span>
        <button type="button" className="button button-quiet" onClick={() => void signOut()} disabled={busy}>
          Sign out
        </button>
      </div>
    </header>
  );
}
