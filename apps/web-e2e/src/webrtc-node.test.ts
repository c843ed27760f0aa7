// A real 1:1 WebRTC call between two Node peers (werift), signaled through the real gateway
// with the real SDK and call controller: proves media flows and that SDP/ICE reach nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { createCallController, type CallController } from '@parley/calls';
import { createParleyClient, type ParleyClient } from '@parley/client';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { loadConfig, startServer, type RunningServer } from '@parley/gateway';
import type { Message, PublicUser } from '@parley/protocol';
import { pino } from 'pino';
import { PASSWORD } from './browser.ts';

let database: TestDatabase;
let server: RunningServer;
let origin: string;
const clients: ParleyClient[] = [];
const controllers: Array<CallController<MediaStreamTrack>> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(loadConfig({ PORT: '0', DATABASE_URL: database.databaseUrl, SERVE_WEB: 'false', LOG_LEVEL: 'silent' }), {
    logger: pino({ level: 'silent' }),
  });
  origin = `http://localhost:${server.port}`;
});
afterAll(async () => {
  for (const controller of controllers) controller.dispose();
  for (const client of clients) client.close();
  await server?.close();
  await database?.drop();
});

async function api<T>(path: string, input: unknown, cookie?: string, method: 'GET' | 'POST' = 'POST'): Promise<{ data: T; setCookie: string | null }> {
  const url = method === 'GET' ? `${origin}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` : `${origin}/trpc/${path}`;
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin, ...(cookie ? { cookie } : {}) },
    body: method === 'POST' ? JSON.stringify(input) : undefined,
  });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return { data: body.result.data, setCookie: res.headers.get('set-cookie') };
}

async function signUp(handle: string): Promise<{ user: PublicUser; cookie: string }> {
  const res = await api<{ user: PublicUser }>('auth.signUp', { handle, displayName: handle, password: PASSWORD });
  return { user: res.data.user, cookie: res.setCookie!.split(';')[0]! };
}

async function connect(cookie: string): Promise<ParleyClient> {
  const client = createParleyClient({
    url: `ws://localhost:${server.port}/ws`,
    WebSocket: WebSocket as never,
    webSocketOptions: { headers: { cookie }, origin },
  });
  clients.push(client);
  const ready = new Promise<void>((resolve) => client.on('ready', () => resolve()));
  client.connect();
  await ready;
  return client;
}

async function eventually(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function callSide(client: ParleyClient, user: PublicUser) {
  const mic = new MediaStreamTrack({ kind: 'audio' });
  let received = 0;
  const receivedFrom = new Map<string, number>();
  const controller = createCallController<MediaStreamTrack, never>({
    client,
    selfUserId: user.id,
    // Loopback only: no STUN default, 127.0.0.1 as a host candidate (STACK.md).
    createPeerConnection: (config) => new RTCPeerConnection({ iceServers: config.iceServers, iceAdditionalHostAddresses: ['127.0.0.1'] }) as never,
    iceServers: [],
    localMedia: () => ({ tracks: [mic] }),
    onState: () => undefined,
    onRemoteTrack: (userId, track) => {
      track.onReceiveRtp.subscribe(() => {
        received += 1;
        receivedFrom.set(userId, (receivedFrom.get(userId) ?? 0) + 1);
      });
    },
  });
  controllers.push(controller);
  return { controller, mic, user, received: () => received, receivedFrom: (userId: string) => receivedFrom.get(userId) ?? 0 };
}
type Side = ReturnType<typeof callSide>;

/** Every side's microphone sends an RTP packet every 20 ms until stopped. */
function pumpAudio(sides: readonly Side[]): () => void {
  let sequenceNumber = 0;
  const timer = setInterval(() => {
    sequenceNumber += 1;
    sides.forEach((side, i) => {
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: sequenceNumber & 0xffff, timestamp: sequenceNumber * 960, ssrc: 1000 + i });
      side.mic.writeRtp(new RtpPacket(header, Buffer.alloc(60, 1)));
    });
  }, 20);
  return () => clearInterval(timer);
}

/** Every side hears every other side: at least `packets` more RTP packets from each, from now. */
async function expectMeshAudio(sides: readonly Side[], packets = 25): Promise<void> {
  const base = new Map<string, number>();
  for (const to of sides) for (const from of sides) base.set(`${from.user.id}>${to.user.id}`, to.receivedFrom(from.user.id));
  const stop = pumpAudio(sides);
  try {
    for (const to of sides) {
      for (const from of sides) {
        if (from === to) continue;
        const key = `${from.user.id}>${to.user.id}`;
        await eventually(() => to.receivedFrom(from.user.id) - base.get(key)! >= packets, `${to.user.handle} hears ${from.user.handle}`);
      }
    }
  } finally {
    stop();
  }
}

const statusOf = (side: Side) => side.controller.state.status;
const callOf = (side: Side) => {
  const s = side.controller.state;
  return s.status === 'idle' ? { callId: undefined, participants: [] } : { callId: s.callId, participants: s.call?.participants ?? [] };
};
const linkCount = (side: Side) => {
  const s = side.controller.state;
  return s.status === 'active' ? Object.values(s.peers).filter((p) => p === 'connected').length : 0;
};

describe('WebRTC through the gateway (Node peers)', () => {
  it('connects a call with media flowing; a third member and a non-member get no SDP or ICE', async () => {
    const [alice, bob, carol, mallory] = await Promise.all(['alice', 'bob', 'carol', 'mallory'].map(signUp));
    const group = await api<{ conversationId: string }>('conversations.createGroup', { title: 'Call', memberIds: [bob!.user.id, carol!.user.id] }, alice!.cookie);
    const conversationId = group.data.conversationId;

    const [aClient, bClient, cClient, mClient] = await Promise.all([alice!, bob!, carol!, mallory!].map((u) => connect(u.cookie)));
    const overheard: string[] = [];
    let carolRang = false;
    cClient!.on('call_signal', (f) => overheard.push(`carol:${f.data.kind}`));
    cClient!.on('call_ring', () => (carolRang = true));
    mClient!.on('call_signal', (f) => overheard.push(`mallory:${f.data.kind}`));
    mClient!.on('call_ring', () => overheard.push('mallory:ring'));

    const a = callSide(aClient!, alice!.user);
    const b = callSide(bClient!, bob!.user);
    a.controller.start(conversationId, 'audio');
    await eventually(() => b.controller.state.status === 'incoming_ringing', 'bob rings');
    b.controller.accept();
    await eventually(() => a.controller.state.status === 'active' && b.controller.state.status === 'active', 'both ends connected');

    // Media: Alice's track sends RTP every 20 ms; Bob must receive a steady stream.
    let sequenceNumber = 0;
    const sender = setInterval(() => {
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: sequenceNumber++ & 0xffff, timestamp: sequenceNumber * 960, ssrc: 1234 });
      a.mic.writeRtp(new RtpPacket(header, Buffer.alloc(60, 1)));
    }, 20);
    try {
      await eventually(() => b.received() >= 25, 'bob receives Alice\'s audio RTP');
    } finally {
      clearInterval(sender);
    }

    a.controller.hangup();
    await eventually(() => b.controller.state.status === 'ended', 'bob sees the end');
    expect(carolRang).toBe(true);
    expect(overheard).toEqual([]);
    // The outcome is appended to the conversation right after the end is broadcast.
    let last: Message | undefined;
    for (let i = 0; i < 50 && last?.kind !== 'call'; i++) {
      last = (await api<{ messages: Message[] }>('messages.history', { conversationId }, carol!.cookie, 'GET')).data.messages.at(-1);
      if (last?.kind !== 'call') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(last?.call).toMatchObject({ media: 'audio', endReason: 'completed' });
  });

  it('a mesh of 4: everyone hears everyone, a fifth is refused, one leaves and the rest talk on, a decliner joins later', async () => {
    const users = await Promise.all(['ann', 'ben', 'cat', 'dan', 'eve'].map(signUp));
    const [ann, ben, cat, dan, eve] = users as [Awaited<ReturnType<typeof signUp>>, ...Array<Awaited<ReturnType<typeof signUp>>>];
    const group = await api<{ conversationId: string }>(
      'conversations.createGroup',
      { title: 'Five', memberIds: users.slice(1).map((u) => u!.user.id) },
      ann.cookie,
    );
    const conversationId = group.data.conversationId;
    const sides = await Promise.all(users.map(async (u) => callSide(await connect(u!.cookie), u!.user)));
    const [a, b, c, d, e] = sides as [Side, Side, Side, Side, Side];

    a.controller.start(conversationId, 'audio');
    await eventually(() => [b, c, d, e].every((s) => statusOf(s) === 'incoming_ringing'), 'everyone rings');
    e.controller.decline();
    for (const s of [b, c, d]) s.controller.accept();
    const four = [a, b, c, d];
    await eventually(() => four.every((s) => linkCount(s) === 3), 'four people, three links each', 20_000);
    await expectMeshAudio(four);

    // Eve changes her mind, but the call is full: her join is refused and she is told so.
    e.controller.start(conversationId, 'audio'); // a call runs there: this joins it
    await eventually(() => statusOf(e) === 'ended', 'eve refused');
    expect(e.controller.state).toMatchObject({ status: 'ended', reason: 'failed' });

    // Dan leaves: the call goes on for the three others, whose links to Dan close.
    d.controller.hangup();
    const three = [a, b, c];
    await eventually(() => three.every((s) => linkCount(s) === 2 && !(dan!.user.id in (s.controller.state as { peers: object }).peers)), 'three remain');
    expect(three.map(statusOf)).toEqual(['active', 'active', 'active']);
    await expectMeshAudio(three);

    // Now there is room: Eve joins the running call from the conversation.
    e.controller.reset();
    e.controller.start(conversationId, 'audio');
    const withEve = [a, b, c, e];
    await eventually(() => withEve.every((s) => linkCount(s) === 3), 'eve joined: three links each', 20_000);
    await expectMeshAudio(withEve);
    expect(callOf(a).participants.map((p) => p.userId).sort()).toEqual([ann.user.id, ben!.user.id, cat!.user.id, eve!.user.id].sort());

    for (const s of withEve) s.controller.hangup();
    await eventually(() => withEve.every((s) => statusOf(s) === 'ended'), 'all ended');
  }, 90_000);

  it('call glare: two people call each other at the same moment and end up in one call', async () => {
    const [gil, hal] = await Promise.all(['gil', 'hal'].map(signUp));
    const direct = await api<{ conversationId: string }>('conversations.openDirect', { userId: hal!.user.id }, gil!.cookie);
    const g = callSide(await connect(gil!.cookie), gil!.user);
    const h = callSide(await connect(hal!.cookie), hal!.user);
    for (let round = 0; round < 3; round++) {
      // Same tick: both invites are in flight before either side hears of the other's call.
      const ids = [g.controller.start(direct.data.conversationId, 'audio'), h.controller.start(direct.data.conversationId, 'audio')];
      expect(ids[0]).not.toBe(ids[1]);
      await eventually(() => linkCount(g) === 1 && linkCount(h) === 1, `round ${round}: one call, connected`);
      expect(callOf(g).callId).toBe(callOf(h).callId);
      expect(ids).toContain(callOf(g).callId);
      await expectMeshAudio([g, h]);
      g.controller.hangup();
      await eventually(() => statusOf(h) === 'ended', `round ${round}: ended`);
      g.controller.reset();
      h.controller.reset();
    }
  }, 60_000);
});
