// A steady load of what people do in a chat: mostly sends (some replies, some mentions), plus
// edits and deletes of their own messages and reactions to anyone's. Each device acts on its
// own timer, whatever the state of its connection: the outbox must keep what it is given.
import type { Message } from '@parley/protocol';
import type { OutboxAction } from '@parley/client';
import { nth } from '../util.ts';
import type { Cast } from './cast.ts';
import type { Device } from './device.ts';

const EMOJI = ['👍', '❤', '😂', '🎉', '👀'] as const;
/** A person does not type on forever into a dead app: past this many unsent actions, a device waits. */
const MAX_BACKLOG = 60;
/** Edits, deletes and reactions pick among this many of the newest messages. */
const RECENT = 25;

export interface Workload {
  /** Actions per second per device while running. */
  readonly rate: number;
  start(): void;
  stop(): void;
  /** Each device writes `count` sends at once, spread over its conversations. */
  burst(count: number): void;
  /** This device no longer acts in this conversation (e.g. signed out). */
  mute(device: Device, conversationId?: string): void;
}

export function createWorkload(cast: Cast, options: { rate: number; random?: () => number }): Workload {
  const random = options.random ?? Math.random;
  const timers = new Map<Device, NodeJS.Timeout>();
  const muted = new Map<Device, Set<string> | 'all'>();
  const counters = new Map<Device, number>();
  let running = false;
  const handles = new Map(cast.people.map((p) => [p.userId, p.handle]));

  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  /** Only for lists just checked to be non-empty. */
  const pickOne = <T>(items: readonly T[]): T => nth(items, Math.floor(random() * items.length));

  function activeConversations(device: Device): string[] {
    const mute = muted.get(device);
    if (mute === 'all') return [];
    return device.conversations.filter((id) => !device.removedFrom.has(id) && !mute?.has(id));
  }

  function body(device: Device, conversationId: string, kind: string): string {
    const n = (counters.get(device) ?? 0) + 1;
    counters.set(device, n);
    let text = `${device.label} ${kind} #${n}`;
    if (random() < 0.1) {
      const others = (cast.members.get(conversationId) ?? []).filter((id) => id !== device.userId);
      const handle = handles.get(pick(others) ?? '');
      if (handle) text += ` cc @${handle}`;
    }
    return text;
  }

  function chooseAction(device: Device, conversationId: string): OutboxAction {
    const messages: readonly Message[] = device.timelines.get(conversationId)?.messages ?? [];
    const recent = messages.slice(-RECENT).filter((m) => m.kind === 'text' && m.deletedAt === null);
    const mine = recent.filter((m) => m.senderId === device.userId);
    const roll = random();
    if (roll < 0.1 && mine.length > 0) return { type: 'edit', messageId: pickOne(mine).id, body: body(device, conversationId, 'edited') };
    if (roll < 0.15 && mine.length > 0) return { type: 'delete', messageId: pickOne(mine).id };
    if (roll < 0.3 && recent.length > 0) {
      const target = pickOne(recent);
      const emoji = pickOne(EMOJI);
      const mineAlready = target.reactions.some((r) => r.emoji === emoji && r.userIds.includes(device.userId));
      return { type: 'react', messageId: target.id, emoji, action: mineAlready ? 'remove' : 'add' };
    }
    const replyTo = roll < 0.4 && recent.length > 0 ? pickOne(recent).id : undefined;
    return { type: 'send', body: body(device, conversationId, 'message'), ...(replyTo ? { replyTo } : {}) };
  }

  function backlog(device: Device): number {
    return device.client.outbox().filter((e) => e.state !== 'failed').length;
  }

  function tick(device: Device): void {
    if (!running) return;
    const conversationId = pick(activeConversations(device));
    if (conversationId !== undefined && backlog(device) < MAX_BACKLOG && !device.stopped) device.act(conversationId, chooseAction(device, conversationId));
    // Jittered, so devices drift apart and batches mix conversations and nodes.
    const meanMs = 1000 / options.rate;
    timers.set(device, setTimeout(() => tick(device), meanMs * (0.5 + random())));
  }

  return {
    rate: options.rate,
    start() {
      running = true;
      for (const device of cast.devices) {
        if (!timers.has(device)) timers.set(device, setTimeout(() => tick(device), random() * (1000 / options.rate)));
      }
    },
    stop() {
      running = false;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
    burst(count) {
      for (const device of cast.devices) {
        const conversations = activeConversations(device);
        if (conversations.length === 0 || device.stopped) continue;
        for (let i = 0; i < count; i++) {
          const conversationId = nth(conversations, i % conversations.length);
          device.act(conversationId, { type: 'send', body: body(device, conversationId, 'burst') });
        }
      }
    },
    mute(device, conversationId) {
      if (conversationId === undefined) return void muted.set(device, 'all');
      const current = muted.get(device);
      if (current === 'all') return;
      muted.set(device, (current ?? new Set()).add(conversationId));
    },
  };
}
