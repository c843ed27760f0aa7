'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { groupControls } from '../../lib/member-permissions.ts';
import { CallButtons } from '../calls/call-buttons.tsx';
import { NotifySetting } from '../notifications/notify-setting.tsx';
import { PresenceStatus } from '../presence-status.tsx';
import { EditIcon } from './actions/icons.tsx';
import { RenameDialog } from './rename-dialog.tsx';

interface Props {
  conversationId: string;
  conversation: ConversationSummary | undefined;
  title: string;
  meId: string;
  membersOpen: boolean;
  onToggleMembers: () => void;
}

/** Title (with rename for groups), presence for direct chats, call buttons, members. */
export function ChatHeader({ conversationId, conversation, title, meId, membersOpen, onToggleMembers }: Props) {
  const [renaming, setRenaming] = useState(false);
  const isGroup = conversation?.kind === 'group';
  const other = isGroup ? undefined : conversation?.members.find((m) => m.id !== meId);
  const rename = isGroup && conversation ? groupControls(conversation.members, meId).rename : null;
  return (
    <header className="chat-header">
      <Link href="/" className="icon-button chat-back" aria-label="Back to conversations">
        <span aria-hidden="true">‹</span>
      </Link>
      <div className="chat-title">
        <div className="chat-title-row">
          <h1>{title || '\u00a0'}</h1>
          {rename !== null ? (
            // Disabled for those the server would refuse; the tooltip (and the members panel) says why.
            <button
              type="button"
              className="icon-button chat-rename"
              aria-label="Rename group"
              title={rename.ok ? 'Rename group' : rename.reason}
              disabled={!rename.ok}
              onClick={() => setRenaming(true)}
            >
              <EditIcon />
            </button>
          ) : null}
        </div>
        {isGroup ? <p className="muted">{conversation?.members.length ?? 0} members</p> : null}
        {other !== undefined ? (
          <p className="chat-presence">
            <PresenceStatus userId={other.id} />
          </p>
        ) : null}
      </div>
      {conversation !== undefined ? <NotifySetting conversationId={conversationId} level={conversation.notifyLevel} /> : null}
      <CallButtons conversationId={conversationId} isGroup={isGroup} />
      {isGroup ? (
        <button type="button" className="button button-quiet" aria-expanded={membersOpen} onClick={onToggleMembers}>
          Members
        </button>
      ) : null}
      {renaming && conversation && rename?.ok ? <RenameDialog conversationId={conversationId} title={conversation.title ?? ''} onClose={() => setRenaming(false)} /> : null}
    </header>
  );
}
