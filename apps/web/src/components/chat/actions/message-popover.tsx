'use client';
import type { Message } from '@parley/protocol';
import { reactionBlocked } from '../../../lib/reaction-limits.ts';
import type { CloseReason } from '../../popover.tsx';
import { ActionMenu, type MenuAction } from './action-menu.tsx';
import { EmojiPicker } from './emoji-picker.tsx';
import { CopyIcon, DeleteIcon, EditIcon, ReactIcon, ReplyIcon } from './icons.tsx';

export interface OpenPopover {
  kind: 'menu' | 'picker';
  messageId: string;
  anchor: HTMLElement;
}

interface Props {
  open: OpenPopover;
  message: Message;
  meId: string;
  frequent: readonly string[];
  onClose: () => void;
  onOpenPicker: (anchor: HTMLElement) => void;
  onReact: (emoji: string) => void;
  onReply: () => void;
  onEdit: () => void;
  onCopy: () => void;
  onDelete: () => void;
}

/** Number of one-tap reactions in the menu (the picker has the rest). */
const QUICK_REACTIONS = 6;

/** The open menu or picker of one message. Escape and "outside" hand focus back to the anchor. */
export function MessagePopover({ open, message, meId, frequent, onClose, onOpenPicker, onReact, onReply, onEdit, onCopy, onDelete }: Props) {
  const close = (reason: CloseReason | 'select') => {
    onClose();
    if (reason === 'escape' && open.anchor.isConnected) open.anchor.focus();
  };
  const own = message.senderId === meId && message.kind === 'text';
  if (open.kind === 'picker') {
    return (
      <EmojiPicker
        anchor={open.anchor}
        frequent={frequent}
        blockedReason={(emoji) => reactionBlocked(message, emoji, meId)}
        onPick={(emoji) => {
          onReact(emoji);
          if (open.anchor.isConnected) open.anchor.focus();
        }}
        onClose={close}
      />
    );
  }
  const actions: MenuAction[] = [
    { label: 'Add reaction…', icon: <ReactIcon />, onSelect: () => onOpenPicker(open.anchor) },
    { label: 'Reply', icon: <ReplyIcon />, onSelect: onReply },
    ...(own ? [{ label: 'Edit', icon: <EditIcon />, onSelect: onEdit }] : []),
    ...(message.kind === 'text' ? [{ label: 'Copy text', icon: <CopyIcon />, onSelect: onCopy }] : []),
    ...(own ? [{ label: 'Delete', icon: <DeleteIcon />, onSelect: onDelete, danger: true }] : []),
  ];
  const quick = frequent.filter((emoji) => reactionBlocked(message, emoji, meId) === null).slice(0, QUICK_REACTIONS);
  return <ActionMenu anchor={open.anchor} actions={actions} quickReactions={quick} onReact={onReact} onClose={close} />;
}
