'use client';
import { useRef, type ReactNode } from 'react';
import { callEventText } from '../../lib/calls/call-text.ts';
import type { LogItem } from '../../lib/log-items.ts';
import { useChatActions } from './actions/chat-actions.tsx';
import { MessageEditor } from './actions/message-editor.tsx';
import { MessageToolbar } from './actions/message-toolbar.tsx';
import { ReactionBar } from './actions/reaction-bar.tsx';
import { ReplyQuoteButton } from './actions/reply-quote-button.tsx';
import { DeliveryState } from './delivery-state.tsx';
import { MessageText } from './message-text.tsx';
import { MessageAttachments } from './attachments/message-attachments.tsx';
import { useLongPress } from './use-long-press.ts';

interface Props {
  item: LogItem;
  onRetry: (clientId: string) => void;
  onCancel: (clientId: string) => void;
  receipt: ReactNode;
}

/** One message: its reply quote, body (or inline editor), reactions, delivery state and actions. */
export function MessageItem({ item, onRetry, onCancel, receipt }: Props) {
  const actions = useChatActions();
  const ref = useRef<HTMLElement>(null);
  const messageId = item.messageId;
  const canAct = item.state === 'delivered' && messageId !== undefined && !item.deleted && (item.kind === 'text' || item.kind === 'call');
  const longPress = useLongPress(() => {
    if (canAct && ref.current !== null) actions.openMenu(messageId, ref.current);
  });
  const editing = messageId !== undefined && actions.editingId === messageId;
  const highlighted = item.seq !== undefined && actions.highlightedSeq === item.seq;
  const classes = [
    'message',
    `is-${item.state}`,
    item.mentionsMe ? 'is-mention' : '',
    highlighted ? 'is-highlighted' : '',
    messageId !== undefined && actions.activeMessageId === messageId ? 'is-active' : '',
    editing ? 'is-editing' : '',
  ].filter(Boolean);

  return (
    <article
      ref={ref}
      className={classes.join(' ')}
      data-seq={item.seq}
      data-highlighted={highlighted || undefined}
      // Focus lands here after a jump to this message, so keyboard and screen reader users follow.
      tabIndex={-1}
      {...(canAct ? longPress : {})}
    >
      {item.reply !== undefined ? <ReplyQuoteButton quote={item.reply} onJump={() => item.reply && actions.jumpTo(item.reply.seq)} /> : null}
      {item.mentionsMe ? <span className="sr-only">Mentions you. </span> : null}
      {item.call !== undefined ? (
        <p className={`message-call is-${item.call.endReason}`}>
          <span className="message-call-icon" aria-hidden="true">{item.call.media === 'video' ? '▶' : '☎'}</span>
          {callEventText(item.call)}
        </p>
      ) : item.deleted ? (
        <p className="message-body is-deleted">This message was deleted</p>
      ) : item.kind === 'unknown' ? (
        <p className="message-body is-unknown">This message needs a newer version of Parley</p>
      ) : editing && messageId !== undefined ? (
        <MessageEditor initial={item.body} onSave={(body) => actions.saveEdit(messageId, body)} onCancel={actions.cancelEdit} />
      ) : item.body === '' && (item.attachments?.length ?? 0) > 0 ? null : (
        <p className="message-body">
          <MessageText body={item.body} members={actions.members} mentions={item.mentions} meId={actions.meId} />
          {item.edited ? <span className="message-edited"> (edited)</span> : null}
        </p>
      )}
      {!item.deleted && item.attachments !== undefined && item.attachments.length > 0 ? <MessageAttachments files={item.attachments} /> : null}
      {messageId !== undefined && !item.deleted && (item.reactions?.length ?? 0) > 0 ? <ReactionBar messageId={messageId} reactions={item.reactions ?? []} /> : null}
      {item.saving ? <span className="message-state">Saving…</span> : null}
      <DeliveryState item={item} onRetry={onRetry} onCancel={onCancel} />
      {receipt}
      {canAct && !editing ? <MessageToolbar item={item} messageId={messageId} /> : null}
    </article>
  );
}
