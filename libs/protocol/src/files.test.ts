import { describe, expect, it } from 'vitest';
import { foldEvent, mapFoldTarget } from './fold.ts';
import { ChatSendFrameSchema } from './frames.ts';
import type { Message } from './models.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const send = (extra: Record<string, unknown>) => ChatSendFrameSchema.safeParse({ type: 'chat_send', clientId: 'client-123', conversationId: id(1), ...extra });

describe('chat_send with attachments', () => {
  it('takes files with a caption or with body "" exactly', () => {
    expect(send({ body: 'look', attachments: [id(2)] }).success).toBe(true);
    expect(send({ body: '', attachments: [id(2), id(3)] }).success).toBe(true);
  });

  it('keeps the body rules for everything else', () => {
    expect(send({ body: '' }).success).toBe(false);
    expect(send({ body: '   ', attachments: [id(2)] }).success).toBe(false);
    expect(send({ body: 'a\u0000b', attachments: [id(2)] }).success).toBe(false);
  });

  it('refuses an empty list, more than 10, the same file twice, or ids that are not UUIDs', () => {
    expect(send({ body: 'x', attachments: [] }).success).toBe(false);
    expect(send({ body: 'x', attachments: Array.from({ length: 11 }, (_, i) => id(i + 10)) }).success).toBe(false);
    expect(send({ body: 'x', attachments: [id(2), id(2).toUpperCase()] }).success).toBe(false);
    expect(send({ body: 'x', attachments: ['../../etc/passwd'] }).success).toBe(false);
  });
});

describe('the reference fold', () => {
  it('drops a message’s files when it is deleted', () => {
    const message: Message = {
      id: id(5), conversationId: id(1), seq: 3, senderId: id(6), clientId: 'client-123', kind: 'text', body: '', replyTo: null, mentions: [],
      editedAt: null, deletedAt: null, reactions: [], createdAt: '2026-12-01T00:00:00.000Z',
      attachments: [{ id: id(7), name: 'a.png', size: 1, mime: 'image/png', width: 1, height: 1, thumbnail: { width: 1, height: 1 } }],
    };
    const target = mapFoldTarget(new Map([[3, message]]));
    foldEvent(target, { kind: 'message_deleted', conversationId: id(1), seq: 4, actorId: id(6), createdAt: '2026-12-01T00:00:01.000Z', messageId: id(5), messageSeq: 3, deletedAt: '2026-12-01T00:00:01.000Z' });
    expect(target.get(3)).not.toHaveProperty('attachments');
    expect(target.get(3)?.deletedAt).not.toBeNull();
  });
});
