'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Message, PublicUser } from '@parley/protocol';
import { isNetworkError } from '../../lib/api-errors.ts';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { applyReadPosition, conversationTitle } from '../../lib/conversation-list.ts';
import { buildLogItems, lastEditable } from '../../lib/log-items.ts';
import { applyPendingActions } from '../../lib/pending-actions.ts';
import { rememberPageForOffline } from '../../lib/offline-pages.ts';
import { latestReceipt } from '../../lib/read-receipt.ts';
import { replyDraftOf, replyQuote } from '../../lib/reply-quote.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useAttention } from '../../lib/use-attention.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useConnectionProbe } from '../shell/use-connection-probe.ts';
import { useReadStates } from '../shell/use-presence.ts';
import { ChatActionsContext } from './actions/chat-actions.tsx';
import { DeleteDialog } from './actions/delete-dialog.tsx';
import { MessagePopover } from './actions/message-popover.tsx';
import { ChatHeader } from './chat-header.tsx';
import { ChatNotices } from './chat-notices.tsx';
import { Composer } from './composer/composer.tsx';
import { useDraftFiles } from './composer/use-attachments.ts';
import { useFileDrop } from './use-file-drop.ts';
import { filesText } from '../../lib/files-text.ts';
import { ImageViewer } from './attachments/image-viewer.tsx';
import { ImageViewerContext } from './attachments/image-viewer-context.ts';
import { isShownInline } from './attachments/message-attachments.tsx';
import { MembersPanel } from './members-panel.tsx';
import { MessageLog } from './message-log.tsx';
import { ReadReceipt } from './read-receipt.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import { useConversationMessages } from './use-conversation-messages.ts';
import { useDraft } from './use-draft.ts';
import { useEmojiUsage } from './use-emoji-usage.ts';
import { useJumpToMessage } from './use-jump-to-message.ts';
import { useMessageInteractions } from './use-message-interactions.ts';
import { usePendingActions } from './use-pending-actions.ts';

const NO_MEMBERS: readonly PublicUser[] = [];

/** `openAtSeq`: open the log at this message (a search hit), highlighted, instead of at the newest. */
export function ChatView({ conversationId, openAtSeq }: { conversationId: string; openAtSeq?: number | undefined }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { client } = useRealtime();
  const me = queryClient.getQueryData<{ user: PublicUser } | null>(queryKeys.me)?.user;
  const meId = me?.id ?? '';
  const conversation = useQuery({
    queryKey: queryKeys.conversation(conversationId),
    queryFn: () => api.conversations.get.query({ conversationId }),
    initialData: () => queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations)?.find((c) => c.id === conversationId),
  });
  const history = useConversationMessages(conversationId, meId, openAtSeq);
  const pendingActions = usePendingActions(conversationId, history.foldedSeq);
  const draft = useDraft(meId, conversationId);
  const emoji = useEmojiUsage(meId);
  const jump = useJumpToMessage(history.loadUntil);
  const composerInput = useRef<HTMLTextAreaElement>(null);
  const [membersOpen, setMembersOpen] = useState(false);
  const files = useDraftFiles();
  /** The image open in the viewer (attachment id), if any. */
  const [viewing, setViewing] = useState<string | null>(null);
  const { reset: resetFiles } = files;
  // Files being written belong to the conversation they were added in.
  useEffect(() => resetFiles, [conversationId, resetFiles]);
  const drop = useFileDrop((dropped) => {
    files.add(dropped);
    composerInput.current?.focus();
  });
  const attention = useAttention();

  const memberList = conversation.data?.members ?? NO_MEMBERS;
  const members = useMemo(() => new Map(memberList.map((m) => [m.id, m] as const)), [memberList]);
  const nameOf = useCallback((id: string) => members.get(id)?.displayName ?? 'Former member', [members]);
  // What the reader sees: the folded log with our in-flight edits, deletions and reactions on top.
  const overlay = useMemo(
    () => applyPendingActions(history.messages, pendingActions.actions, meId, history.foldedSeq),
    [history.messages, pendingActions.actions, meId, history.foldedSeq],
  );
  const messagesById = useMemo(() => new Map(overlay.messages.map((m) => [m.id, m] as const)), [overlay.messages]);
  const items = useMemo(
    () => buildLogItems(overlay.messages, history.pending, meId, nameOf, overlay.saving),
    [overlay, history.pending, meId, nameOf],
  );
  const kind = conversation.data?.kind ?? 'direct';
  const readStates = useReadStates(conversationId, conversation.data?.readStates);
  const receipt = useMemo(() => {
    const found = latestReceipt(history.messages, meId, readStates);
    if (found === null) return null;
    return { seq: found.seq, content: <ReadReceipt kind={kind} readerNames={found.readerIds.map(nameOf)} /> };
  }, [history.messages, meId, readStates, nameOf, kind]);

  const { setReplyTo } = draft;
  const startReply = useCallback((message: Message) => setReplyTo(replyDraftOf(message)), [setReplyTo]);
  const interactions = useMessageInteractions({
    meId,
    nameOf,
    members: memberList,
    messagesById,
    composerInput,
    highlightedSeq: jump.target?.seq ?? null,
    jumpTo: (seq) => void jump.jumpTo(seq),
    startReply,
    edit: pendingActions.edit,
    react: pendingActions.react,
    recordEmoji: emoji.record,
  });

  const { notify } = interactions;
  const { cancel, pending } = history;
  const cancelSend = useCallback(
    (clientId: string) => {
      const onWireBefore = pending.find((p) => p.clientId === clientId)?.onWireBefore === true;
      // The SDK refuses while it is on the wire: the server's answer decides, a moment later.
      if (cancel(clientId) === false) notify('That message is being sent right now, so it can’t be cancelled.');
      // Sent before the connection dropped, it may have been stored: say so rather than promise.
      else if (onWireBefore) notify('Cancelled. It was already on its way, so it may still arrive; you can delete it then.');
    },
    [cancel, pending, notify],
  );

  // Opened at a message: once its page is in, show it highlighted (once per view).
  const { jumpTo } = jump;
  const openedAt = useRef(false);
  useEffect(() => {
    if (openAtSeq === undefined || history.status !== 'ready' || openedAt.current) return;
    openedAt.current = true;
    void jumpTo(openAtSeq);
  }, [openAtSeq, history.status, jumpTo]);
  const toLatest = useCallback(() => router.replace(`/c/${encodeURIComponent(conversationId)}`), [router, conversationId]);

  // Reached by a client-side navigation: ask the service worker to keep this page for a reload offline.
  useEffect(rememberPageForOffline, [conversationId]);

  // Starting to write checks the socket, so a silently dead one shows before Send is pressed.
  const probeConnection = useConnectionProbe(client);

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

  // Unreachable is not "removed": the view stays, and the banner says why it is stale.
  if (conversation.isError && !isNetworkError(conversation.error)) {
    return (
      <div className="empty-state" role="alert">
        <h2>Conversation not available</h2>
        <p>It may have been removed, or you are no longer a member.</p>
        <Link href="/" className="button">Back to conversations</Link>
      </div>
    );
  }

  const title = conversation.data ? conversationTitle(conversation.data, meId) : '';
  const images = items.flatMap((item) => (item.deleted ? [] : (item.attachments ?? []).filter(isShownInline)));
  const viewIndex = viewing === null ? -1 : images.findIndex((image) => image.id === viewing);
  const replyTo = draft.draft.replyTo;
  const reply = replyTo === null ? null : replyQuote({ ...replyTo, kind: 'text' }, messagesById.get(replyTo.messageId), nameOf, meId);
  const popoverMessage = interactions.popover === null ? undefined : messagesById.get(interactions.popover.messageId);
  const deleting = interactions.deletingId === null ? undefined : messagesById.get(interactions.deletingId);
  const notices = [
    ...pendingActions.failures.map((f) => ({ id: f.clientId, text: f.text })),
    ...interactions.notices,
    ...(jump.notice === null ? [] : [{ id: 'jump', text: jump.notice }]),
  ];
  const dismiss = (id: string) => {
    if (id === 'jump') return jump.clearNotice();
    pendingActions.dismiss(id);
    interactions.dismiss(id);
  };

  return (
    <ChatActionsContext.Provider value={interactions.actions}>
      <ImageViewerContext.Provider value={setViewing}>
      <div className="chat">
        <ChatHeader
          conversationId={conversationId}
          conversation={conversation.data}
          title={title}
          meId={meId}
          membersOpen={membersOpen}
          onToggleMembers={() => setMembersOpen((o) => !o)}
        />
        <div className="chat-body">
          <div className={`chat-main${drop.active ? ' is-drop-target' : ''}`} {...drop.handlers}>
            {drop.active ? <div className="drop-overlay" aria-hidden="true">Drop files to attach them</div> : null}
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
                onCancel={cancelSend}
                offlineNote={history.status === 'offline' ? 'You’re offline. Earlier messages will show when you’re back.' : undefined}
                topNote={
                  conversation.data?.historyVisibility === 'since_joined' && (items[0]?.seq ?? 1) > 1
                    ? 'Earlier messages are hidden: this group shows you what was said while you were in it.'
                    : undefined
                }
                receipt={receipt}
                jumpTarget={jump.target}
                initialSeq={openAtSeq}
                hasNewer={history.hasNewer}
                loadingNewer={history.loadingNewer}
                onLoadNewer={() => void history.loadNewer()}
                onJumpToLatest={toLatest}
              />
            )}
            <TypingIndicator conversationId={conversationId} members={members} />
            <ChatNotices notices={notices} status={interactions.status} onDismiss={dismiss} />
            <Composer
              body={draft.draft.body}
              onBodyChange={(body) => {
                if (body !== '' && draft.draft.body === '') probeConnection();
                draft.setBody(body);
              }}
              reply={reply}
              onCancelReply={() => draft.setReplyTo(null)}
              files={files}
              onSend={(body, attachments) => {
                history.send(body, replyTo ?? undefined, attachments);
                draft.clear();
                // Reading an older part of the log: what you send shows with the newest messages.
                if (history.hasNewer) toLatest();
              }}
              onEditLast={() => interactions.editLast(lastEditable(items)?.messageId)}
              members={memberList}
              meId={meId}
              inputRef={composerInput}
              onTypingChange={setTyping}
              onFocus={probeConnection}
              disabled={client === null}
              placeholder={title ? `Message ${title}` : 'Write a message'}
            />
          </div>
          {kind === 'group' && membersOpen && conversation.data && me ? (
            <MembersPanel conversation={conversation.data} me={me} onClose={() => setMembersOpen(false)} />
          ) : null}
        </div>
      </div>
      {interactions.popover !== null && popoverMessage !== undefined ? (
        <MessagePopover
          open={interactions.popover}
          message={popoverMessage}
          meId={meId}
          frequent={emoji.frequent}
          onClose={interactions.closePopover}
          onOpenPicker={interactions.openPicker}
          onReact={(e) => interactions.actions.toggleReaction(popoverMessage.id, e)}
          onReply={() => interactions.actions.reply(popoverMessage.id)}
          onEdit={() => interactions.actions.startEdit(popoverMessage.id)}
          onCopy={() => interactions.copyText(popoverMessage.id)}
          onDelete={() => interactions.setDeletingId(popoverMessage.id)}
        />
      ) : null}
      {deleting !== undefined ? (
        <DeleteDialog
          preview={deleting.body || filesText(deleting.attachments ?? [])}
          onConfirm={() => {
            try {
              pendingActions.remove(deleting.id);
            } catch (e) {
              interactions.notify(e instanceof Error ? e.message : 'Couldn’t delete the message');
            }
          }}
          onClose={() => {
            interactions.setDeletingId(null);
            // The menu item that opened the dialog is gone; the composer is where people go next.
            composerInput.current?.focus();
          }}
        />
      ) : null}
      {viewIndex >= 0 ? (
        <ImageViewer images={images} index={viewIndex} onIndex={(i) => setViewing(images[i]?.id ?? null)} onClose={() => setViewing(null)} />
      ) : null}
      </ImageViewerContext.Provider>
    </ChatActionsContext.Provider>
  );
}
