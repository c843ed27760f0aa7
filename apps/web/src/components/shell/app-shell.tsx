'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useCallback, useEffect, type ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import { queryKeys } from '../../lib/query-keys.ts';
import { useAttention } from '../../lib/use-attention.ts';
import { CallProvider } from '../calls/call-provider.tsx';
import { CallToast } from '../calls/call-toast.tsx';
import { CallView } from '../calls/call-view.tsx';
import { IncomingCall } from '../calls/incoming-call.tsx';
import { ConversationSidebar } from '../conversations/conversation-sidebar.tsx';
import { useApi } from '../providers.tsx';
import { AppHeader } from './app-header.tsx';
import { ConnectionBanner, RealtimeProvider } from './realtime-provider.tsx';
import { useLiveConversations } from './use-live-conversations.ts';
import { UnreadMentionsContext, useUnreadMentions } from './use-unread-mentions.ts';

/** Signed-in frame: header, conversation list, and the open conversation (children). */
export function AppShell({ children }: { children: ReactNode }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => api.auth.me.query() });
  const user = me.data?.user;

  useEffect(() => {
    if (me.isSuccess && me.data === null) router.replace('/sign-in');
  }, [me.isSuccess, me.data, router]);

  const onUnauthorized = useCallback(() => {
    queryClient.setQueryData(queryKeys.me, null);
    router.replace('/sign-in');
  }, [queryClient, router]);

  if (me.isError) {
    return (
      <main className="splash" role="alert">
        <p>Parley could not load. Check your connection.</p>
        <button type="button" className="button" onClick={() => void me.refetch()}>Try again</button>
      </main>
    );
  }
  if (user === undefined) {
    return <main className="splash" aria-busy="true"><span className="spinner" aria-hidden="true" /><span className="sr-only">Loading</span></main>;
  }
  return (
    <RealtimeProvider userId={user.id} onUnauthorized={onUnauthorized}>
      <SignedInShell me={user}>{children}</SignedInShell>
    </RealtimeProvider>
  );
}

function SignedInShell({ me, children }: { me: PublicUser; children: ReactNode }) {
  const params = useParams<{ conversationId?: string }>();
  const activeId = params.conversationId;
  const attention = useAttention();
  useLiveConversations(me.id, activeId, attention);
  const mentions = useUnreadMentions(me.id);
  return (
    <UnreadMentionsContext.Provider value={mentions}>
      <CallProvider selfUserId={me.id}>
        <div className="shell" data-view={activeId === undefined ? 'list' : 'chat'}>
          <AppHeader me={me} />
          <ConnectionBanner />
          <div className="shell-body">
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
