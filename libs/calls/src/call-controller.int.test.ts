import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack } from 'werift';
import type { PublicUser } from '@parley/protocol';
import { createCallController, type CallController } from './call-controller.ts';
import type { CallState } from './call-machine.ts';
import type { PeerConnectionConfig } from './peer-connection.ts';
import { fakeCallHub } from './testing/fake-call-hub.ts';
import { eventually, weriftPeerConnection } from './testing/werift.ts';

const ALICE: PublicUser = { id: '00000000-0000-4000-8000-0000000000a1', handle: 'alice', displayName: 'Alice' };
const BOB: PublicUser = { id: '00000000-0000-4000-8000-0000000000b0', handle: 'bob', displayName: 'Bob' };
const CONV = '00000000-0000-4000-8000-00000000c0a1';

const controllers: Array<CallController<MediaStreamTrack>> = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

type IceServers = PeerConnectionConfig['iceServers'];

function side(hub: ReturnType<typeof fakeCallHub>, user: PublicUser, fresh?: () => Promise<IceServers>) {
  const states: CallState[] = [];
  const mic = new MediaStreamTrack({ kind: 'audio' });
  const remoteTracks: string[] = [];
  const pcs: Array<ReturnType<typeof weriftPeerConnection>> = [];
  /** What setConfiguration received (werift has none: recorded as a browser would apply it). */
  const configured: IceServers[] = [];
  const controller = createCallController<MediaStreamTrack, never>({
    client: hub.client(user.id),
    selfUserId: user.id,
    createPeerConnection: (config) => {
      const pc = Object.assign(weriftPeerConnection(config), {
        setConfiguration: (next: PeerConnectionConfig) => configured.push(next.iceServers),
      });
      pcs.push(pc);
      return pc;
    },
    iceServers: [],
    ...(fresh ? { freshIceServers: fresh } : {}),
    localMedia: () => ({ tracks: [mic] }),
    onState: (s) => states.push(s),
    onRemoteTrack: (userId, track) => remoteTracks.push(`${userId}:${track.kind}`),
  });
  controllers.push(controller);
  return { controller, states, mic, remoteTracks, pcs, configured };
}

describe('call controller with real werift peers', () => {
  it('rings, answers, connects both ends, mutes, survives a signaling reconnect, hangs up', async () => {
    const hub = fakeCallHub([ALICE, BOB]);
    const alice = side(hub, ALICE);
    const bob = side(hub, BOB);
    alice.controller.start(CONV, 'audio');
    expect(alice.controller.state.status).toBe('outgoing_ringing');
    await eventually(() => bob.controller.state.status === 'incoming_ringing', 'bob rings');
    bob.controller.accept();
    await eventually(
      () => alice.controller.state.status === 'active' && bob.controller.state.status === 'active',
      'both active',
    );
    await eventually(() => bob.remoteTracks.includes(`${ALICE.id}:audio`), 'alice audio track at bob');

    alice.controller.setMicrophoneEnabled(false);
    expect(alice.mic.enabled).toBe(false);
    alice.controller.setMicrophoneEnabled(true);
    expect(alice.mic.enabled).toBe(true);

    // Bob's socket reconnects: the call is not torn down, ICE restarts over the new address.
    hub.reconnect(BOB.id);
    await eventually(
      () =>
        alice.controller.state.status === 'active' &&
        alice.controller.state.call?.participants.some((p) => p.connectionId === 'bob-1-r') === true,
      'alice sees bob on his new connection',
    );
    expect(alice.states.some((s) => s.status === 'ended')).toBe(false);
    expect(bob.states.some((s) => s.status === 'ended')).toBe(false);

    alice.controller.hangup();
    expect(alice.controller.state).toMatchObject({ status: 'ended', reason: 'hung_up' });
    await eventually(() => bob.controller.state.status === 'ended', 'bob ended');
    expect(bob.controller.state).toMatchObject({ reason: 'completed' });
  });

  it('takes fresh ICE servers (TURN credentials) before the ICE restart after a reconnect', async () => {
    const hub = fakeCallHub([ALICE, BOB]);
    const fresh: IceServers = [{ urls: 'turn:127.0.0.1:3478', username: '1900000000:bob', credential: 'fresh' }];
    let asked = 0;
    const alice = side(hub, ALICE);
    const bob = side(hub, BOB, () => {
      asked += 1;
      return Promise.resolve(fresh);
    });
    alice.controller.start(CONV, 'audio');
    await eventually(() => bob.controller.state.status === 'incoming_ringing', 'bob rings');
    bob.controller.accept();
    await eventually(() => alice.controller.state.status === 'active' && bob.controller.state.status === 'active', 'both active');
    expect(asked).toBe(0);
    const ufrag = () => /a=ice-ufrag:(\S+)/.exec(bob.pcs[0]?.localDescription?.sdp ?? '')?.[1];
    const before = ufrag();

    hub.reconnect(BOB.id);
    await eventually(() => ufrag() !== before && bob.pcs[0]?.signalingState === 'stable', 'restarted with new credentials');
    expect(asked).toBe(1);
    expect(bob.configured).toEqual([fresh]);
    await eventually(() => alice.controller.state.status === 'active' && bob.controller.state.status === 'active', 'still active');
  });

  it('caller cancels while ringing: the callee stops ringing with cancelled', async () => {
    const hub = fakeCallHub([ALICE, BOB]);
    const alice = side(hub, ALICE);
    const bob = side(hub, BOB);
    alice.controller.start(CONV, 'audio');
    await eventually(() => bob.controller.state.status === 'incoming_ringing', 'bob rings');
    alice.controller.hangup();
    expect(alice.controller.state).toMatchObject({ status: 'ended', reason: 'cancelled' });
    await eventually(() => bob.controller.state.status === 'ended', 'bob stops ringing');
    expect(bob.controller.state).toMatchObject({ reason: 'cancelled' });
  });
});
