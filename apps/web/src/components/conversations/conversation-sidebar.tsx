'use client';
import { useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { ConversationList } from './conversation-list.tsx';
import { NewConversationDialog } from './new-conversation-dialog.tsx';
import { useConversationList } from './use-conversation-list.ts';

export function ConversationSidebar({ me, activeId }: { me: PublicUser; activeId: string | undefined }) {
  const [dialogOpen, setDialogOpen] = useState(false);
  const list = useConversationList();

  return (
    <nav className="sidebar" aria-label="Conversation navigation">
      <div className="sidebar-head">
        <h2 className="sidebar-title">Chats</h2>
        <button type="button" className="button button-primary button-small" onClick={() => setDialogOpen(true)}>
          <span aria-hidden="true">+ </span>New conversation
        </button>
      </div>
      {list.isPending ? (
        <p className="sidebar-note" aria-busy="true">Loading conversations…</p>
      ) : list.isError ? (
        <div className="sidebar-note" role="alert">
          Could not load conversations.{' '}
          <button type="button" className="link-button" onClick={() => void list.refetch()}>Try again</button>
        </div>
      ) : list.data.length === 0 ? (
        <p className="sidebar-note">No conversations yet. Start one with “New conversation”.</p>
      ) : (
        <ConversationList conversations={list.data} meId={me.id} activeId={activeId} />
      )}
      {dialogOpen ? <NewConversationDialog onClose={() => setDialogOpen(false)} /> : null}
    </nav>
  );
}
