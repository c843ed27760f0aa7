import type { ParleyClientEvents } from '@parley/client';
import type { CallInfo, CallMedia, PublicUser } from '@parley/protocol';
import type { CallClient } from '../call-controller.ts';

type Listeners = { [E in keyof ParleyClientEvents]?: Array<ParleyClientEvents[E]> };

/**
 * A one-conversation, in-memory stand-in for the gateway's call handling (1:1 semantics:
 * invite rings the other user, accept joins, hangup by anyone ends 'completed'), with one
 * device per user. Frames are delivered on a later macrotask, as over a socket.
 */
export function fakeCallHub(users: PublicUser[]) {
  const devices = new Map<string, { client: CallClient; listeners: Listeners; connectionId: string }>();
  let call: CallInfo | undefined;
  let ids = 0;
  const later = (fn: () => void) => setTimeout(fn, 1);
  const emit = <E extends keyof ParleyClientEvents>(userId: string, event: E, ...args: Parameters<ParleyClientEvents[E]>) =>
    later(() => {
      for (const l of devices.get(userId)?.listeners[event] ?? []) (l as (...a: unknown[]) => void)(...args);
    });
  const updateAll = () => {
    for (const user of users) emit(user.id, 'call_update', { type: 'call_update', call: structuredClone(call!) });
  };
  const now = () => new Date().toISOString();

  for (const user of users) {
    const listeners: Listeners = {};
    const device = { listeners, connectionId: `${user.handle}-1`, client: undefined as unknown as CallClient };
    device.client = {
      get connectionId() {
        return device.connectionId;
      },
      callInvite(conversationId: string, media: CallMedia) {
        const id = `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
        call = {
          id, conversationId, media, callerId: user.id, state: 'ringing',
          participants: [{ userId: user.id, connectionId: device.connectionId, joinedAt: now() }],
          startedAt: now(), answeredAt: null, endedAt: null, endReason: null,
        };
        for (const other of users) if (other.id !== user.id) emit(other.id, 'call_ring', { type: 'call_ring', call: structuredClone(call), caller: user });
        emit(user.id, 'call_update', { type: 'call_update', call: structuredClone(call) });
        return id;
      },
      callAccept() {
        if (!call) return false;
        call.participants = [...call.participants.filter((p) => p.userId !== user.id), { userId: user.id, connectionId: device.connectionId, joinedAt: now() }];
        call.state = 'active';
        call.answeredAt ??= now();
        updateAll();
        return true;
      },
      callDecline() {
        if (!call) return false;
        Object.assign(call, { state: 'ended', endReason: 'declined', endedAt: now() });
        updateAll();
        return true;
      },
      callHangup() {
        if (!call) return false;
        Object.assign(call, { state: 'ended', endReason: call.answeredAt ? 'completed' : 'cancelled', endedAt: now() });
        call.participants = call.participants.filter((p) => p.userId !== user.id);
        updateAll();
        return true;
      },
      callSignal(callId, toConnectionId, data) {
        const target = [...devices.entries()].find(([, d]) => d.connectionId === toConnectionId);
        if (target) {
          emit(target[0], 'call_signal', { type: 'call_signal_in', callId, fromConnectionId: device.connectionId, fromUserId: user.id, data });
        }
        return true;
      },
      on(event, listener) {
        const list = (listeners[event] ??= []) as unknown[];
        list.push(listener);
        return () => list.splice(list.indexOf(listener), 1);
      },
    } as CallClient;
    devices.set(user.id, device);
  }
  return {
    client: (userId: string) => devices.get(userId)!.client,
    /** Simulates a signaling reconnect: new connection id, then `ready`. */
    reconnect(userId: string) {
      const device = devices.get(userId)!;
      device.connectionId = `${device.connectionId}-r`;
      emit(userId, 'ready', {} as never);
    },
  };
}
