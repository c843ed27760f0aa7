import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, hashPassword, hashSessionToken, newSessionToken, SESSION_COOKIE } from '@parley/api';
import { createGroupConversation, createSession, createUser, setMemberRole, type Db } from '@parley/db';
import { CLIENT_FRAME_TYPES, CLOSE_CODES, PROTOCOL_VERSION, type ClientFrame, type PublicUser, type ServerFrame } from '@parley/protocol';
import { newUserAgentKeys } from '@parley/api/testing';
import { startHarness, type Harness } from './testing/harness.ts';
import { openSocket, type TestSocket } from './testing/ws-client.ts';

// Who may do what, against a real gateway and Postgres: every tRPC procedure and every
// WebSocket frame type, tried by each kind of caller, with the answer PROTOCOL.md promises.
// Adding a procedure or a frame type without a row here fails the first test.

const ROLES = ['signed_out', 'expired', 'outsider', 'member', 'admin', 'owner'] as const;
type Role = (typeof ROLES)[number];
/** `ok`, or the `appCode` / error `code` the caller must get. */
type Outcome = 'ok' | 'unauthorized' | 'not_member' | 'forbidden' | 'conflict' | 'not_found' | 'invalid_input' | 'already_hello' | 'invalid_credentials';
type Expected = Record<Role, Outcome>;

const PASSWORD = 'correct horse battery';
let passwordHash = '';
let h: Harness;
let db: Db;

/** A fresh group for one cell of the table, so no cell sees another's changes. */
interface Scene {
  group: string;
  owner: PublicUser;
  admin: PublicUser;
  member: PublicUser;
  /** A plain member acted upon (removed, promoted, messaged by). */
  target: PublicUser;
  outsider: PublicUser;
  /** The acting role's cookie (none for signed_out, an expired session for expired). */
  cookie: string | undefined;
  cookieOf(user: PublicUser): Promise<string>;
  /** A live session of the target's (someone else's, for every acting role). */
  targetSessionId: string;
}

let sceneCount = 0;
async function scene(role: Role): Promise<Scene> {
  const n = ++sceneCount;
  const user = (name: string) => createUser(db, { handle: `${name}_${n}_${process.pid % 1000}`, displayName: name, passwordHash });
  const [owner, admin, member, target, outsider] = await Promise.all(['owner', 'admin', 'member', 'target', 'outsider'].map(user));
  const { conversationId } = await createGroupConversation(db, { creatorId: owner!.id, title: `authz ${n}`, memberIds: [admin!.id, member!.id, target!.id] });
  await setMemberRole(db, { conversationId, actorId: owner!.id, userId: admin!.id, role: 'admin' });
  const cookieOf = async (u: PublicUser, expiresAt = new Date(Date.now() + 3_600_000)) => {
    const token = newSessionToken();
    await createSession(db, { userId: u.id, tokenHash: hashSessionToken(token), expiresAt });
    return `${SESSION_COOKIE}=${token}`;
  };
  const actor: Record<Role, () => Promise<string | undefined>> = {
    signed_out: async () => undefined,
    expired: () => cookieOf(member!, new Date(Date.now() - 1_000)),
    outsider: () => cookieOf(outsider!),
    member: () => cookieOf(member!),
    admin: () => cookieOf(admin!),
    owner: () => cookieOf(owner!),
  };
  const targetSession = await createSession(db, { userId: target!.id, tokenHash: hashSessionToken(newSessionToken()), expiresAt: new Date(Date.now() + 3_600_000) });
  return {
    group: conversationId,
    owner: owner!,
    admin: admin!,
    member: member!,
    target: target!,
    outsider: outsider!,
    cookie: await actor[role](),
    cookieOf: (u) => cookieOf(u),
    targetSessionId: targetSession.id,
  };
}

const signedIn = (outcome: Outcome, overrides: Partial<Record<'outsider' | 'member' | 'admin' | 'owner', Outcome>> = {}): Expected => ({
  signed_out: 'unauthorized',
  expired: 'unauthorized',
  outsider: outcome,
  member: outcome,
  admin: outcome,
  owner: outcome,
  ...overrides,
});
const membersOnly = (overrides: Partial<Record<'member' | 'admin' | 'owner', Outcome>> = {}) => signedIn('ok', { outsider: 'not_member', ...overrides });
const managers = (overrides: Partial<Record<'member' | 'admin' | 'owner', Outcome>> = {}) => membersOnly({ member: 'forbidden', ...overrides });
const anyone: Expected = { signed_out: 'ok', expired: 'ok', outsider: 'ok', member: 'ok', admin: 'ok', owner: 'ok' };

interface ProcedureRow {
  procedure: string;
  /** What is tried (the table's rows are the procedure plus this). */
  what?: string;
  kind: 'query' | 'mutation';
  input: (s: Scene) => unknown;
  expected: Expected;
  /** Runs before the call (as other people): something for a read to find. */
  setup?: (s: Scene) => Promise<void>;
  /** For an `ok` answer: what is wrong with the data this caller got, if anything. */
  check?: (data: unknown, s: Scene) => string | undefined;
}

/** Search hits must be exactly the scene's group message for its members, and nothing for others. */
const searchHitsOnlyForMembers = (data: unknown, s: Scene): string | undefined => {
  const hits = (data as { hits: Array<{ conversationId: string }> }).hits;
  const member = actingUser.get(s) !== undefined && actingUser.get(s) !== s.outsider;
  const inGroup = hits.filter((hit) => hit.conversationId === s.group).length;
  if (hits.length !== inGroup) return 'hits from another conversation';
  if (member && inGroup !== 1) return 'missing the group message';
  if (!member && inGroup !== 0) return 'leaked the group message';
  return undefined;
};

/** A well-formed subscription's keys (a P-256 point and a 16-byte secret). */
const PUSH_KEYS = { p256dh: newUserAgentKeys().p256dh, auth: newUserAgentKeys().auth };

const PROCEDURES: ProcedureRow[] = [
  { procedure: 'auth.signUp', kind: 'mutation', input: () => ({ handle: `new_${randomUUID().slice(0, 8)}`, displayName: 'New', password: PASSWORD }), expected: anyone },
  { procedure: 'auth.signIn', kind: 'mutation', input: (s) => ({ handle: s.member.handle, password: PASSWORD }), expected: anyone },
  { procedure: 'auth.signOut', kind: 'mutation', input: () => undefined, expected: signedIn('ok') },
  { procedure: 'auth.me', kind: 'query', input: () => undefined, expected: anyone },
  { procedure: 'users.search', kind: 'query', input: (s) => ({ query: s.target.handle }), expected: signedIn('ok') },
  { procedure: 'users.notificationSettings', kind: 'query', input: () => undefined, expected: signedIn('ok') },
  { procedure: 'users.setDoNotDisturb', kind: 'mutation', input: () => ({ until: new Date(Date.now() + 3_600_000).toISOString() }), expected: signedIn('ok') },
  { procedure: 'users.setPushContent', kind: 'mutation', input: () => ({ content: 'text' }), expected: signedIn('ok') },
  { procedure: 'push.publicKey', kind: 'query', input: () => undefined, expected: signedIn('ok') },
  // Loopback port 9 (discard): nothing listens, so a push caused meanwhile fails locally and never leaves the machine.
  { procedure: 'push.subscribe', kind: 'mutation', input: () => ({ endpoint: `https://127.0.0.1:9/push/${randomUUID()}`, keys: PUSH_KEYS }), expected: signedIn('ok') },
  { procedure: 'push.unsubscribe', kind: 'mutation', input: () => ({ endpoint: 'https://127.0.0.1:9/push/none' }), expected: signedIn('ok') },
  { procedure: 'conversations.list', kind: 'query', input: () => undefined, expected: signedIn('ok') },
  { procedure: 'conversations.get', kind: 'query', input: (s) => ({ conversationId: s.group }), expected: membersOnly() },
  { procedure: 'conversations.openDirect', kind: 'mutation', input: (s) => ({ userId: s.target.id }), expected: signedIn('ok') },
  { procedure: 'conversations.createGroup', kind: 'mutation', input: (s) => ({ title: 'mine', memberIds: [s.target.id] }), expected: signedIn('ok') },
  { procedure: 'conversations.addMembers', kind: 'mutation', input: (s) => ({ conversationId: s.group, userIds: [s.outsider.id] }), expected: managers() },
  { procedure: 'conversations.removeMember', what: 'a member', kind: 'mutation', input: (s) => ({ conversationId: s.group, userId: s.target.id }), expected: managers() },
  {
    procedure: 'conversations.removeMember',
    what: 'the owner',
    kind: 'mutation',
    input: (s) => ({ conversationId: s.group, userId: s.owner.id }),
    // The owner removing themselves is leaving, and the last owner of a group with members cannot.
    expected: managers({ admin: 'forbidden', owner: 'conflict' }),
  },
  { procedure: 'conversations.removeMember', what: 'yourself (leave)', kind: 'mutation', input: (s) => ({ conversationId: s.group, userId: selfOf(s) }), expected: membersOnly({ owner: 'conflict' }) },
  { procedure: 'conversations.setRole', what: 'member to admin', kind: 'mutation', input: (s) => ({ conversationId: s.group, userId: s.target.id, role: 'admin' }), expected: managers() },
  { procedure: 'conversations.setRole', what: 'member to owner', kind: 'mutation', input: (s) => ({ conversationId: s.group, userId: s.target.id, role: 'owner' }), expected: managers({ admin: 'forbidden' }) },
  { procedure: 'conversations.setRole', what: 'owner to member', kind: 'mutation', input: (s) => ({ conversationId: s.group, userId: s.owner.id, role: 'member' }), expected: managers({ admin: 'forbidden', owner: 'conflict' }) },
  { procedure: 'conversations.setHistoryVisibility', kind: 'mutation', input: (s) => ({ conversationId: s.group, visibility: 'since_joined' }), expected: managers({ admin: 'forbidden' }) },
  // Only your own level: any member may, an outsider may not (no row to change).
  { procedure: 'conversations.setNotifications', kind: 'mutation', input: (s) => ({ conversationId: s.group, level: 'none' }), expected: membersOnly() },
  { procedure: 'conversations.rename', kind: 'mutation', input: (s) => ({ conversationId: s.group, title: 'renamed' }), expected: managers() },
  { procedure: 'messages.history', kind: 'query', input: (s) => ({ conversationId: s.group }), expected: membersOnly() },
  { procedure: 'messages.history', what: 'around a seq', kind: 'query', input: (s) => ({ conversationId: s.group, aroundSeq: 1 }), expected: membersOnly() },
  {
    procedure: 'messages.search',
    what: 'everywhere',
    kind: 'query',
    setup: (s) => targetMessage(s, {}),
    input: () => ({ query: 'target' }),
    expected: signedIn('ok'),
    check: searchHitsOnlyForMembers,
  },
  {
    procedure: 'messages.search',
    what: 'in the group',
    kind: 'query',
    setup: (s) => targetMessage(s, {}),
    input: (s) => ({ query: 'target', conversationId: s.group }),
    expected: membersOnly(),
    check: searchHitsOnlyForMembers,
  },
  { procedure: 'calls.iceServers', kind: 'query', input: () => undefined, expected: signedIn('ok') },
  { procedure: 'account.sessions', kind: 'query', input: () => undefined, expected: signedIn('ok') },
  { procedure: 'account.revokeSession', what: 'another of your own', kind: 'mutation', input: (s) => ({ sessionId: ownOtherSession.get(s) ?? s.targetSessionId }), expected: signedIn('ok') },
  // Someone else's session is not_found, never forbidden: its existence is not confirmed.
  { procedure: 'account.revokeSession', what: "someone else's", kind: 'mutation', input: (s) => ({ sessionId: s.targetSessionId }), expected: signedIn('not_found') },
  { procedure: 'account.revokeOtherSessions', kind: 'mutation', input: () => undefined, expected: signedIn('ok') },
  { procedure: 'account.changePassword', kind: 'mutation', input: () => ({ currentPassword: PASSWORD, newPassword: 'another horse battery' }), expected: signedIn('ok') },
  {
    procedure: 'account.changePassword',
    what: 'wrong current password',
    kind: 'mutation',
    input: () => ({ currentPassword: 'not the password', newPassword: 'another horse battery' }),
    expected: signedIn('invalid_credentials'),
  },
  { procedure: 'account.updateProfile', kind: 'mutation', input: () => ({ displayName: 'Renamed' }), expected: signedIn('ok') },
  // Owners included: ownership passes to someone else as the account leaves the group.
  { procedure: 'account.delete', kind: 'mutation', input: () => ({ password: PASSWORD }), expected: signedIn('ok') },
  { procedure: 'account.delete', what: 'wrong password', kind: 'mutation', input: () => ({ password: 'not the password' }), expected: signedIn('invalid_credentials') },
];

/** The acting user's id (the outsider's for roles that have none: they fail before it matters). */
function selfOf(s: Scene): string {
  return actingUser.get(s)?.id ?? s.outsider.id;
}
const actingUser = new WeakMap<Scene, PublicUser>();
/** A second live session of the acting user's (signed-in roles only). */
const ownOtherSession = new WeakMap<Scene, string>();

beforeAll(async () => {
  h = await startHarness({ env: { PUSH_ALLOW_LOOPBACK: 'true' } });
  db = h.server.deps.db;
  // One real argon2 hash for every user (sign-in must verify it); made once, it is slow on purpose.
  passwordHash = await hashPassword(PASSWORD);
}, 60_000);
afterAll(() => h?.close());

async function sceneAs(role: Role): Promise<Scene> {
  const s = await scene(role);
  const user = { outsider: s.outsider, member: s.member, admin: s.admin, owner: s.owner }[role as 'member'];
  if (user) {
    actingUser.set(s, user);
    const other = await createSession(db, { userId: user.id, tokenHash: hashSessionToken(newSessionToken()), expiresAt: new Date(Date.now() + 3_600_000) });
    ownOtherSession.set(s, other.id);
  }
  return s;
}

async function call(row: ProcedureRow, s: Scene): Promise<Outcome | string> {
  const input = row.input(s);
  const response = await h.trpc(row.procedure, input, { cookie: s.cookie, method: row.kind === 'query' ? 'GET' : 'POST' });
  if (response.status === 200) return row.check?.(response.data, s) ?? 'ok';
  return response.error?.data.appCode ?? `HTTP ${response.status} ${response.error?.data.code ?? ''}`;
}

describe('HTTP procedures × callers', () => {
  it('the table covers every procedure of the API', () => {
    const procedures = Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures).sort();
    expect([...new Set(PROCEDURES.map((row) => row.procedure))].sort()).toEqual(procedures);
  });

  for (const row of PROCEDURES) {
    it(`${row.procedure}${row.what ? ` (${row.what})` : ''}`, async () => {
      const answers: Record<string, Outcome | string> = {};
      for (const role of ROLES) {
        const s = await sceneAs(role);
        await row.setup?.(s);
        answers[role] = await call(row, s);
      }
      expect(answers).toEqual(row.expected);
    });
  }
});

// ------------------------------------------------------------------ WebSocket

interface FrameRow {
  type: ClientFrame['type'];
  what?: string;
  /** Runs before the frame (as other people: a message to act on, a call to answer). */
  setup?: (s: Scene, ctx: FrameContext) => Promise<void>;
  frame: (s: Scene, ctx: FrameContext) => ClientFrame;
  /** The frame that answers success (when there is one); silence is success otherwise. */
  success?: (frame: ServerFrame, sent: ClientFrame) => boolean;
  expected: Record<'outsider' | 'member' | 'admin' | 'owner', Outcome>;
}

interface FrameContext {
  /** A text message by the scene's target, in the group. */
  messageId?: string;
  /** A call ringing in the group, started by the target. */
  callId?: string;
}

const inGroup = (overrides: Partial<Record<'member' | 'admin' | 'owner', Outcome>> = {}) => ({ outsider: 'not_member' as Outcome, member: 'ok' as Outcome, admin: 'ok' as Outcome, owner: 'ok' as Outcome, ...overrides });
const clientId = () => `authz-${randomUUID()}`;
const acked = (frame: ServerFrame, sent: ClientFrame) => frame.type === 'chat_ack' && 'clientId' in sent && frame.clientId === sent.clientId;

async function targetMessage(s: Scene, ctx: FrameContext): Promise<void> {
  const socket = await readySocket(await s.cookieOf(s.target));
  const sent: ClientFrame = { type: 'chat_send', clientId: clientId(), conversationId: s.group, body: 'by the target' };
  socket.send(sent);
  const ack = await socket.next('chat_ack');
  ctx.messageId = ack.event?.kind === 'message_created' ? ack.event.message.id : undefined;
  socket.close();
}

async function targetCall(s: Scene, ctx: FrameContext): Promise<void> {
  const socket = await readySocket(await s.cookieOf(s.target));
  ctx.callId = randomUUID();
  socket.send({ type: 'call_invite', callId: ctx.callId, conversationId: s.group, media: 'audio' });
  await socket.next('call_update', (f) => f.call.id === ctx.callId);
  // Kept open: the caller's socket holds the call.
  openSockets.push(socket);
}

const openSockets: TestSocket[] = [];
afterAll(() => {
  for (const socket of openSockets) socket.close();
});

const FRAMES: FrameRow[] = [
  { type: 'hello', what: 'again', frame: () => ({ type: 'hello', protocol: PROTOCOL_VERSION }), expected: { outsider: 'already_hello', member: 'already_hello', admin: 'already_hello', owner: 'already_hello' } },
  { type: 'ping', frame: () => ({ type: 'ping', nonce: 'n1' }), success: (f) => f.type === 'pong', expected: { outsider: 'ok', member: 'ok', admin: 'ok', owner: 'ok' } },
  { type: 'chat_send', frame: (s) => ({ type: 'chat_send', clientId: clientId(), conversationId: s.group, body: 'hi' }), success: acked, expected: inGroup() },
  {
    type: 'chat_edit',
    what: "someone else's message",
    setup: targetMessage,
    frame: (s, ctx) => ({ type: 'chat_edit', clientId: clientId(), conversationId: s.group, messageId: ctx.messageId!, body: 'edited' }),
    success: acked,
    expected: inGroup({ member: 'forbidden', admin: 'forbidden', owner: 'forbidden' }),
  },
  {
    type: 'chat_delete',
    what: "someone else's message",
    setup: targetMessage,
    frame: (s, ctx) => ({ type: 'chat_delete', clientId: clientId(), conversationId: s.group, messageId: ctx.messageId! }),
    success: acked,
    expected: inGroup({ member: 'forbidden', admin: 'forbidden', owner: 'forbidden' }),
  },
  {
    type: 'chat_react',
    setup: targetMessage,
    frame: (s, ctx) => ({ type: 'chat_react', clientId: clientId(), conversationId: s.group, messageId: ctx.messageId!, emoji: '👍', action: 'add' }),
    success: acked,
    expected: inGroup(),
  },
  { type: 'chat_sync', frame: (s) => ({ type: 'chat_sync', conversationId: s.group, afterSeq: 0 }), success: (f) => f.type === 'chat_sync_result', expected: inGroup() },
  { type: 'chat_read', setup: targetMessage, frame: (s) => ({ type: 'chat_read', conversationId: s.group, seq: 1 }), expected: inGroup() },
  { type: 'presence_set', frame: () => ({ type: 'presence_set', state: 'idle' }), expected: { outsider: 'ok', member: 'ok', admin: 'ok', owner: 'ok' } },
  // Anyone may name anyone: the answer holds only contacts (presence-watch.int.test.ts checks that).
  {
    type: 'presence_watch',
    frame: (s) => ({ type: 'presence_watch', userIds: [s.target.id] }),
    success: (f) => f.type === 'presence_snapshot',
    expected: { outsider: 'ok', member: 'ok', admin: 'ok', owner: 'ok' },
  },
  { type: 'typing', frame: (s) => ({ type: 'typing', conversationId: s.group, active: true }), expected: inGroup() },
  {
    type: 'call_invite',
    frame: (s) => ({ type: 'call_invite', callId: randomUUID(), conversationId: s.group, media: 'audio' }),
    success: (f, sent) => f.type === 'call_update' && sent.type === 'call_invite' && f.call.id === sent.callId,
    expected: inGroup(),
  },
  {
    type: 'call_accept',
    setup: targetCall,
    frame: (_s, ctx) => ({ type: 'call_accept', callId: ctx.callId! }),
    success: (f, sent) => f.type === 'call_update' && sent.type === 'call_accept' && f.call.id === sent.callId,
    expected: inGroup(),
  },
  {
    type: 'call_decline',
    setup: targetCall,
    frame: (_s, ctx) => ({ type: 'call_decline', callId: ctx.callId! }),
    expected: inGroup(),
  },
  {
    type: 'call_hangup',
    what: 'a call you are not in',
    setup: targetCall,
    frame: (_s, ctx) => ({ type: 'call_hangup', callId: ctx.callId! }),
    expected: inGroup(),
  },
  {
    type: 'call_signal',
    what: 'to the caller, without a seat in the call',
    setup: targetCall,
    frame: (_s, ctx) => ({ type: 'call_signal', callId: ctx.callId!, toConnectionId: 'anyone', data: { kind: 'candidate', candidate: { candidate: '' } } } as ClientFrame),
    expected: inGroup({ member: 'not_found', admin: 'not_found', owner: 'not_found' }),
  },
];

async function readySocket(cookie: string): Promise<TestSocket> {
  const socket = await openSocket(h.wsUrl, { cookie, origin: h.origin });
  socket.send({ type: 'hello', protocol: PROTOCOL_VERSION });
  await socket.next('hello_ok');
  return socket;
}

/** How long silence must last to count as success for frames that answer nothing. */
const SILENCE_MS = 400;

async function tryFrame(row: FrameRow, role: 'outsider' | 'member' | 'admin' | 'owner'): Promise<Outcome | string> {
  const s = await sceneAs(role);
  const ctx: FrameContext = {};
  await row.setup?.(s, ctx);
  const socket = await readySocket(s.cookie!);
  try {
    const before = socket.frames.length;
    const sent = row.frame(s, ctx);
    socket.send(sent);
    const answer = await Promise.race([
      socket.nextWhere((f) => socket.frames.indexOf(f) >= before && (f.type === 'error' || (row.success?.(f, sent) ?? false)), `an answer to ${row.type}`, 10_000),
      ...(row.success ? [] : [new Promise<undefined>((resolve) => setTimeout(resolve, SILENCE_MS))]),
    ]);
    if (answer === undefined) return 'ok';
    return answer.type === 'error' ? answer.code : 'ok';
  } finally {
    socket.close();
  }
}

describe('WebSocket frames × callers', () => {
  it('the table covers every client frame type', () => {
    expect([...new Set(FRAMES.map((row) => row.type))].sort()).toEqual([...CLIENT_FRAME_TYPES].sort());
  });

  it('signed out or with an expired session, no frame gets through: the upgrade is refused', async () => {
    for (const role of ['signed_out', 'expired'] as const) {
      const s = await sceneAs(role);
      const socket = await openSocket(h.wsUrl, { cookie: s.cookie, origin: h.origin });
      socket.send({ type: 'hello', protocol: PROTOCOL_VERSION });
      socket.send({ type: 'chat_send', clientId: clientId(), conversationId: s.group, body: 'sneaking in' });
      expect(await socket.closed).toMatchObject({ code: CLOSE_CODES.unauthorized.code });
      expect(socket.frames.filter((f) => f.type !== 'error')).toEqual([]);
    }
  });

  for (const row of FRAMES) {
    it(`${row.type}${row.what ? ` (${row.what})` : ''}`, async () => {
      const answers: Record<string, Outcome | string> = {};
      for (const role of ['outsider', 'member', 'admin', 'owner'] as const) answers[role] = await tryFrame(row, role);
      expect(answers).toEqual(row.expected);
    });
  }
});
