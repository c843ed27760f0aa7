'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { applyReadPosition, conversationTitle } from '../../lib/conversation-list.ts';
import { buildLogItems } from '../../lib/log-items.ts';
import { latestReceipt } from '../../lib/read-receipt.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useAttention } from '../../lib/use-attention.ts';
import { useApi } from '../providers.tsx';
import { PresenceStatus } from '../presence-status.tsx';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useReadStates } from '../shell/use-presence.ts';
import { CallButtons } from '../calls/call-buttons.tsx';
import { Composer } from './composer.tsx';
import { MembersPanel } from './members-panel.tsx';
import { MessageLog } from './message-log.tsx';
import { ReadReceipt } from './read-receipt.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import { useConversationMessages } from './use-conversation-messages.ts';

export function ChatView({ conversationId }: { conversationId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { client } = useRealtime();
  const me = queryClient.getQueryData<{ user: PublicUser } | null>(queryKeys.me)?.user;
  const meId = me?.id ?? '';
  const conversation = useQuery({
    queryKey: queryKeys.conversation(conversationId),
    queryFn: () => api.conversations.get.query({ conversationId }),
    initialData: () => queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations)?.find((c) => c.id === conversationId),
  });
  const history = useConversationMessages(conversationId);
  const [membersOpen, setMembersOpen] = useState(false);
  const attention = useAttention();

  const members = useMemo(() => new Map((conversation.data?.members ?? []).map((m) => [m.id, m] as const)), [conversation.data]);
  const items = useMemo(
    () => buildLogItems(history.messages, history.pending, meId, (id) => members.get(id)?.displayName ?? 'Former member'),
    [history.messages, history.pending, meId, members],
  );
  const kind = conversation.data?.kind ?? 'direct';
  const readStates = useReadStates(conversationId, conversation.data?.readStates);
  const receipt = useMemo(() => {
    const found = latestReceipt(history.messages, meId, readStates);
    if (found === null) return null;
    const names = found.readerIds.map((id) => members.get(id)?.displayName ?? 'Former member');
    return { seq: found.seq, content: <ReadReceipt kind={kind} readerNames={names} /> };
  }, [history.messages, meId, readStates, members, kind]);

  // Our typing indicator: on while the composer has text, off when cleared, blurred, sent
  // (the SDK stops it on send) or when we leave the conversation.
  const setTyping = useCallback((active: boolean) => client?.setTyping(conversationId, active), [client, conversationId]);
  useEffect(() => () => client?.setTyping(conversationId, false), [client, conversationId]);

  // Read position follows what is on screen while the tab has the user's attention.
  const lastSeq = history.messages[history.messages.length - 1]?.seq ?? 0;
  const marked = useRef(0);
  useEffect(() => {
    if (client === null || !attention || history.status !== 'ready' || lastSeq <= marked.current) return;
    marked.current = lastSeq;
    client.markRead(conversationId, lastSeq);
    queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) =>
      list === undefined ? list : applyReadPosition(list, conversationId, lastSeq),
    );
  }, [client, attention, history.status, lastSeq, conversationId, queryClient]);

  if (conversation.isError) {
    return (
      <div className="empty-state" role="alert">
        <h2>Conversation not available</h2>
        <p>It may have been removed, or you are no longer a member.</p>
        <Link href="/" className="button">Back to conversations</Link>
      </div>
    );
  }

  const title = conversation.data ? conversationTitle(conversation.data, meId) : '';
  const isGroup = kind === 'group';
  const other = isGroup ? undefined : conversation.data?.members.find((m) => m.id !== meId);
  return (
    <div className="chat">
      <header className="chat-header">
        <Link href="/" className="icon-button chat-back" aria-label="Back to conversations">
          <span aria-hidden="true">‹</span>
        </Link>
        <div className="chat-title">
          <h1>{title || '\u00a0'}</h1>
          {isGroup ? <p className="muted">{conversation.data?.members.length ?? 0} members</p> : null}
          {other !== undefined ? (
            <p className="chat-presence">
              <PresenceStatus userId={other.id} />
            </p>
          ) : null}
        </div>
        <CallButtons conversationId={conversationId} isGroup={isGroup} />
        {isGroup ? (
          <button type="button" className="button button-quiet" aria-expanded={membersOpen} onClick={() => setMembersOpen((o) => !o)}>
            Members
          </button>
        ) : null}
      </header>
      <div className="chat-body">
        <div className="chat-main">
          {history.status === 'error' ? (
            <div className="empty-state" role="alert">
              <p>Couldn’t load messages.</p>
              <button type="button" className="button" onClick={history.reload}>Try again</button>
            </div>
          ) : history.status === 'loading' ? (
            <div className="empty-state" aria-busy="true"><span className="spinner" aria-hidden="true" /><span className="sr-only">Loading messages</span></div>
          ) : (
            <MessageLog
              items={items}
              members={members}
              hasMore={history.hasMore}
              loadingOlder={history.loadingOlder}
              olderFailed={history.olderFailed}
              onLoadOlder={() => void history.loadOlder()}
              onRetry={history.retry}
              receipt={receipt}
            />
          )}
          <TypingIndicator conversationId={conversationId} members={members} />
          <Composer onSend={history.send} onTypingChange={setTyping} disabled={client === null} placeholder={title ? `Message ${title}` : 'Write a message'} />
        </div>
        {isGroup && membersOpen && conversation.data && me ? (
          <MembersPanel conversation={conversation.data} me={me} onClose={() => setMembersOpen(false)} />
        ) : null}
      </div>
    </div>
  );
}
