'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useParams, usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, type ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { rememberSignedInUser } from '../../lib/signed-in-user.ts';
import { useAttention } from '../../lib/use-attention.ts';
import { CallProvider } from '../calls/call-provider.tsx';
import { CallToast } from '../calls/call-toast.tsx';
import { CallView } from '../calls/call-view.tsx';
import { IncomingCall } from '../calls/incoming-call.tsx';
import { ConversationSidebar } from '../conversations/conversation-sidebar.tsx';
import { NotificationPrompt } from '../notifications/notification-prompt.tsx';
import { useAlerts } from '../notifications/use-alerts.ts';
import { useTitleBadge } from '../notifications/use-title-badge.ts';
import { usePushPlumbing } from '../notifications/use-push.ts';
import { useViewingReport } from '../notifications/use-viewing.ts';
import { AppHeader } from './app-header.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { RealtimeProvider, useRealtime } from './realtime-provider.tsx';
import { useLiveConversations } from './use-live-conversations.ts';
import { useLiveUsers } from './use-live-users.ts';
import { useOfflineConversationList } from './use-offline-list.ts';
import { useSignedInUser } from './use-signed-in-user.ts';
import { UnreadMentionsContext, useUnreadMentions } from './use-unread-mentions.ts';

/** Signed-in frame: header, conversation list, and the open conversation (children). */
export function AppShell({ children }: { children: ReactNode }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useSignedInUser();
  const user = me.data?.user;
  const unconfirmed = me.data?.unconfirmed === true;
  const { refetch } = me;
  const confirm = useCallback(() => void refetch(), [refetch]);

  useEffect(() => {
    if (me.isSuccess && me.data === null) router.replace('/sign-in');
  }, [me.isSuccess, me.data, router]);

  const onUnauthorized = useCallback(() => {
    // The session is gone: an offline reload must not show this user again.
    rememberSignedInUser(browserStorage(), null);
    queryClient.setQueryData(queryKeys.me, null);
    router.replace('/sign-in');
  }, [queryClient, router]);

  if (me.isError) {
    return (
      <main className="splash" role="alert">
        <p>Parley could not load. Check your connection.</p>
        <button type="button" className="button" onClick={confirm}>Try again</button>
      </main>
    );
  }
  if (user === undefined && me.fetchStatus === 'paused') {
    return (
      <main className="splash" role="alert">
        <p>You’re offline. Parley will open when you’re back online.</p>
      </main>
    );
  }
  if (user === undefined) {
    return <main className="splash" aria-busy="true"><span className="spinner" aria-hidden="true" /><span className="sr-only">Loading</span></main>;
  }
  return (
    <RealtimeProvider userId={user.id} onUnauthorized={onUnauthorized}>
      <SignedInShell me={user} unconfirmed={unconfirmed} onConfirm={confirm}>
        {children}
      </SignedInShell>
    </RealtimeProvider>
  );
}

interface SignedInProps {
  me: PublicUser;
  /** Shown from the offline copy: ask the server again once the socket proves it is reachable. */
  unconfirmed: boolean;
  onConfirm: () => void;
  children: ReactNode;
}

function SignedInShell({ me, unconfirmed, onConfirm, children }: SignedInProps) {
  const params = useParams<{ conversationId?: string }>();
  const pathname = usePathname();
  const { client } = useRealtime();
  useEffect(() => {
    if (client === null || !unconfirmed) return;
    return client.on('ready', onConfirm);
  }, [client, unconfirmed, onConfirm]);
  const activeId = params.conversationId;
  // On a phone the list and the main column take turns: settings and search are main-column pages.
  const inMain = activeId !== undefined || pathname.startsWith('/settings') || pathname === '/search';
  const attention = useAttention();
  useLiveConversations(me.id, activeId, attention);
  useLiveUsers(me.id);
  useOfflineConversationList(me.id);
  const mentions = useUnreadMentions(me.id);
  useTitleBadge();
  useAlerts(me.id, activeId);
  useViewingReport(activeId);
  usePushPlumbing(me.id);
  return (
    <UnreadMentionsContext.Provider value={mentions}>
      <CallProvider selfUserId={me.id}>
        <div className="shell" data-view={inMain ? 'chat' : 'list'}>
          <AppHeader me={me} />
          <div className="shell-body">
            <ConnectionBanner />
            <NotificationPrompt meId={me.id} />
            <ConversationSidebar me={me} activeId={activeId} />
            <main className="shell-main">{children}</main>
            <CallView me={me} />
          </div>
          <IncomingCall />
          <CallToast />
        </div>
      </CallProvider>
    </UnreadMentionsContext.Provider>
  );
}
