'use client';
import type { LogItem } from '../../../lib/log-items.ts';
import { useChatActions } from './chat-actions.tsx';
import { EditIcon, MoreIcon, ReactIcon, ReplyIcon } from './icons.tsx';

/**
 * The actions that appear on hover (or when the message holds focus, or on a phone after a
 * tap). One tab stop per message: "More actions" opens a menu with every action, so the quick
 * buttons stay out of the tab order.
 */
export function MessageToolbar({ item, messageId }: { item: LogItem; messageId: string }) {
  const actions = useChatActions();
  const open = actions.activeMessageId === messageId;
  const editable = item.own && item.kind === 'text';
  return (
    <div className="message-toolbar" role="toolbar" aria-label="Message actions">
      <button type="button" className="toolbar-button" tabIndex={-1} aria-label="Add reaction" title="Add reaction" onClick={(e) => actions.openPicker(messageId, e.currentTarget)}>
        <ReactIcon />
      </button>
      <button type="button" className="toolbar-button" tabIndex={-1} aria-label="Reply" title="Reply" onClick={() => actions.reply(messageId)}>
        <ReplyIcon />
      </button>
      {editable ? (
        <button type="button" className="toolbar-button" tabIndex={-1} aria-label="Edit" title="Edit" onClick={() => actions.startEdit(messageId)}>
          <EditIcon />
        </button>
      ) : null}
      <button
        type="button"
        className="toolbar-button toolbar-more"
        aria-label="More actions"
        title="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => actions.openMenu(messageId, e.currentTarget)}
      >
        <MoreIcon />
      </button>
    </div>
  );
}
