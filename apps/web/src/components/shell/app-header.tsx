'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { forgetUnsent } from '../../lib/realtime.ts';
import { forgetLocalData } from '../../lib/signed-in-user.ts';
import { unsentSentence } from '../../lib/unsent-text.ts';
import { Avatar } from '../avatar.tsx';
import { DndSetting } from '../notifications/dnd-setting.tsx';
import { useApi } from '../providers.tsx';
import { useRealtime } from './realtime-provider.tsx';
import { SignOutDialog } from './sign-out-dialog.tsx';

export function AppHeader({ me }: { me: PublicUser }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { client } = useRealtime();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<string | null>(null);

  /**
   * Signing out means "nothing of mine stays on this device": unsent messages (this tab's and
   * the persisted outbox of every tab), drafts and offline copies go with the session. With
   * unsent messages the person is asked first (see SignOutDialog).
   */
  async function signOut(): Promise<void> {
    setBusy(true);
    try {
      await api.auth.signOut.mutate();
    } catch {
      // Signing out locally still matters if the server is unreachable: the cookie expires on its own.
    }
    await forgetUnsent(client, me.id);
    forgetLocalData(browserStorage(), me.id);
    queryClient.clear();
    queryClient.setQueryData(queryKeys.me, null);
    router.replace('/sign-in');
  }

  function requestSignOut(): void {
    const unsent = unsentSentence(client?.outbox() ?? []);
    if (unsent === null) void signOut();
    else setAsking(unsent);
  }

  return (
    <header className="app-header">
      <span className="brand">Parley</span>
      <div className="app-header-user">
        <DndSetting />
        <Avatar name={me.displayName} id={me.id} size="small" />
        <span className="app-header-name" title={`@${me.handle}`}>{me.displayName}</span>
        <button type="button" className="button button-quiet" onClick={requestSignOut} disabled={busy}>
          Sign out
        </button>
      </div>
      {asking !== null ? <SignOutDialog unsent={asking} onConfirm={() => void signOut()} onClose={() => setAsking(null)} /> : null}
    </header>
  );
}
