import { randomBytes, randomUUID } from 'node:crypto';
import { defaultNotifyLevel, type NotifyLevel, type PublicUser } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createTestUser } from '../testing/index.ts';
import { useTestDb } from '../testing/use-test-db.ts';
import { setActiveView } from './active-views.ts';
import { acceptCall, createCall, declineCall, leaveCall } from './calls.ts';
import { addMembers, createGroupConversation, openDirectConversation } from './conversations.ts';
import { effectiveNotifyLevel, effectiveNotifyLevelSql, setDoNotDisturb, setNotifyLevel } from './notifications.ts';
import { callPushRecipients, messagePushRecipients } from './push-recipients.ts';
import { savePushSubscription } from './push-subscriptions.ts';
import { createSession } from './sessions.ts';

// Who gets a Web Push, decided in Postgres (PROTOCOL.md §2 "Web Push"): every rule the
// protocol states, each checked against a real database, one rule per assertion.

/** As the gateway passes it (ACTIVE_VIEW_FRESH_MS): PROTOCOL.md promises 60 s. */
const VIEW_FRESH_MS = 60_000;
const LEASE_MS = 60_000;

const t = useTestDb();

/** A user with a live session holding one push subscription (its id is returned). */
async function subscribed(prefix: string): Promise<PublicUser & { sessionId: string }> {
  const user = await createTestUser(t.db, prefix, prefix);
  const session = await createSession(t.db, { userId: user.id, tokenHash: randomBytes(32).toString('hex'), expiresAt: new Date(Date.now() + 3_600_000) });
  await savePushSubscription(t.db, { userId: user.id, sessionId: session.id, endpoint: `https://push.example/${randomUUID()}`, p256dh: 'k', auth: 'a' });
  return { ...user, sessionId: session.id };
}

/** A view of `conversationId` by one socket of `userId`, last renewed `ageMs` ago. */
async function view(userId: string, conversationId: string, ageMs = 0): Promise<void> {
  const connectionId = randomUUID();
  await setActiveView(t.db, { connectionId, userId, nodeId: 'node-1', conversationId });
  await t.db.pool.query(`UPDATE active_views SET seen_at = now() - make_interval(secs => $2::float8 / 1000) WHERE connection_id = $1`, [connectionId, ageMs]);
}

const messageTo = (conversationId: string, senderId: string, mentions: string[] = [], seq = 1000) =>
  messagePushRecipients(t.db, { conversationId, seq, senderId, mentions, viewFreshMs: VIEW_FRESH_MS });
const usersOf = (audience: { recipients: Array<{ userId: string }> } | null) => [...new Set(audience?.recipients.map((r) => r.userId) ?? [])].sort();
const sorted = (...users: PublicUser[]) => users.map((u) => u.id).sort();

describe('a text message', () => {
  it('goes to the other members of a direct conversation, with what the payload needs, never to the sender', async () => {
    const [ann, bob] = await Promise.all([subscribed('ann'), subscribed('bob')]);
    const { conversationId } = await openDirectConversation(t.db, ann.id, bob.id);
    const audience = await messageTo(conversationId, ann.id);
    expect(audience).toMatchObject({ conversationKind: 'direct', conversationTitle: null, senderDisplayName: 'ann' });
    expect(audience?.recipients).toEqual([expect.objectContaining({ userId: bob.id, pushContent: 'sender', p256dh: 'k', auth: 'a' })]);
  });

  it('follows the effective level: a group alerts on mentions by default, `all` on everything, `none` never', async () => {
    const [ann, bob, cat, dan] = await Promise.all([subscribed('ann'), subscribed('bob'), subscribed('cat'), subscribed('dan')]);
    const { conversationId } = await createGroupConversation(t.db, { creatorId: ann.id, title: 'Team', memberIds: [bob.id, cat.id, dan.id] });
    expect(await messageTo(conversationId, ann.id)).toBeNull();
    expect(usersOf(await messageTo(conversationId, ann.id, [bob.id]))).toEqual([bob.id]);
    await setNotifyLevel(t.db, { conversationId, userId: cat.id, level: 'all' });
    await setNotifyLevel(t.db, { conversationId, userId: dan.id, level: 'none' });
    expect(usersOf(await messageTo(conversationId, ann.id))).toEqual([cat.id]);
    // Muted is muted, mention or not.
    expect(usersOf(await messageTo(conversationId, ann.id, [bob.id, dan.id]))).toEqual(sorted(bob, cat));
    expect(await messageTo(conversationId, ann.id, [bob.id, dan.id])).toMatchObject({ conversationKind: 'group', conversationTitle: 'Team' });
  });

  it('skips members who read it already, and those in do-not-disturb until it ends', async () => {
    const [ann, bob] = await Promise.all([subscribed('ann'), subscribed('bob')]);
    const { conversationId } = await openDirectConversation(t.db, ann.id, bob.id);
    await t.db.pool.query('UPDATE members SET last_read_seq = 1000 WHERE conversation_id = $1 AND user_id = $2', [conversationId, bob.id]);
    expect(await messageTo(conversationId, ann.id, [], 1000)).toBeNull();
    expect(usersOf(await messageTo(conversationId, ann.id, [], 1001))).toEqual([bob.id]);

    await setDoNotDisturb(t.db, bob.id, new Date(Date.now() + 60_000));
    expect(await messageTo(conversationId, ann.id, [], 1001)).toBeNull();
    await t.db.pool.query(`UPDATE users SET dnd_until = now() - interval '1 second' WHERE id = $1`, [bob.id]);
    expect(usersOf(await messageTo(conversationId, ann.id, [], 1001))).toEqual([bob.id]);
  });

  it('skips a member looking at this conversation, but not one looking at another', async () => {
    const [ann, bob, cat] = await Promise.all([subscribed('ann'), subscribed('bob'), subscribed('cat')]);
    const { conversationId } = await openDirectConversation(t.db, ann.id, bob.id);
    const { conversationId: other } = await openDirectConversation(t.db, ann.id, cat.id);
    await view(bob.id, other);
    expect(usersOf(await messageTo(conversationId, ann.id))).toEqual([bob.id]);
    await view(bob.id, conversationId);
    expect(await messageTo(conversationId, ann.id)).toBeNull();
  });

  it('a view not renewed for 60 s (its node died) no longer holds the push back', async () => {
    const [ann, bob] = await Promise.all([subscribed('ann'), subscribed('bob')]);
    const { conversationId } = await openDirectConversation(t.db, ann.id, bob.id);
    await view(bob.id, conversationId, VIEW_FRESH_MS - 5_000);
    expect(await messageTo(conversationId, ann.id)).toBeNull();
    await t.db.pool.query('DELETE FROM active_views WHERE user_id = $1', [bob.id]);
    await view(bob.id, conversationId, VIEW_FRESH_MS + 1_000);
    expect(usersOf(await messageTo(conversationId, ann.id))).toEqual([bob.id]);
  });

  it('skips subscriptions of revoked or expired sessions, and reaches every live one', async () => {
    const [ann, bob] = await Promise.all([subscribed('ann'), subscribed('bob')]);
    const { conversationId } = await openDirectConversation(t.db, ann.id, bob.id);
    const phone = await createSession(t.db, { userId: bob.id, tokenHash: randomBytes(32).toString('hex'), expiresAt: new Date(Date.now() + 3_600_000) });
    await savePushSubscription(t.db, { userId: bob.id, sessionId: phone.id, endpoint: `https://push.example/${randomUUID()}`, p256dh: 'k', auth: 'a' });
    expect((await messageTo(conversationId, ann.id))?.recipients).toHaveLength(2);
    await t.db.pool.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [phone.id]);
    expect((await messageTo(conversationId, ann.id))?.recipients).toHaveLength(1);
    await t.db.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [bob.sessionId]);
    expect(await messageTo(conversationId, ann.id)).toBeNull();
  });
});

describe('a call', () => {
  const ringTo = (callId: string) => callPushRecipients(t.db, { callId, state: 'ringing', viewFreshMs: VIEW_FRESH_MS });
  const missedTo = (callId: string) => callPushRecipients(t.db, { callId, state: 'ended', viewFreshMs: VIEW_FRESH_MS });

  async function groupCall() {
    const [ann, bob, cat, dan] = await Promise.all([subscribed('ann'), subscribed('bob'), subscribed('cat'), subscribed('dan')]);
    const { conversationId } = await createGroupConversation(t.db, { creatorId: ann.id, title: 'Team', memberIds: [bob.id, cat.id, dan.id] });
    const callId = randomUUID();
    await createCall(t.db, { callId, conversationId, callerId: ann.id, connectionId: `ann-${callId}`, media: 'video', leaseMs: LEASE_MS });
    return { ann, bob, cat, dan, conversationId, callId };
  }

  it('rings every other member at any level but `none` (a call is for you), with the caller and the media', async () => {
    const { ann, bob, cat, dan, conversationId, callId } = await groupCall();
    await setNotifyLevel(t.db, { conversationId, userId: dan.id, level: 'none' });
    const audience = await ringTo(callId);
    expect(audience).toMatchObject({ conversationId, media: 'video', callerDisplayName: 'ann' });
    expect(usersOf(audience)).toEqual(sorted(bob, cat));
    expect(usersOf(audience)).not.toContain(ann.id);
  });

  it('does not ring a member in do-not-disturb, nor one with a Parley window focused on any conversation (it rings there)', async () => {
    const { bob, cat, dan, callId } = await groupCall();
    await setDoNotDisturb(t.db, bob.id, new Date(Date.now() + 60_000));
    const { conversationId: elsewhere } = await openDirectConversation(t.db, cat.id, dan.id);
    await view(cat.id, elsewhere);
    expect(usersOf(await ringTo(callId))).toEqual([dan.id]);
  });

  it('a focused window whose node stopped renewing it for 60 s no longer stops the ring push', async () => {
    const { bob, cat, dan, conversationId, callId } = await groupCall();
    await view(bob.id, conversationId, VIEW_FRESH_MS + 1_000);
    await view(cat.id, conversationId, VIEW_FRESH_MS - 5_000);
    expect(usersOf(await ringTo(callId))).toEqual(sorted(bob, dan));
  });

  it('a ring no longer ringing pushes nothing; a member added after the call started is not rung', async () => {
    const { ann, bob, cat, dan, conversationId, callId } = await groupCall();
    const eve = await subscribed('eve');
    await addMembers(t.db, { conversationId, actorId: ann.id, userIds: [eve.id] });
    expect(usersOf(await ringTo(callId))).toEqual(sorted(bob, cat, dan));
    await acceptCall(t.db, { callId, userId: bob.id, connectionId: `bob-${callId}`, leaseMs: LEASE_MS });
    expect(await ringTo(callId)).toBeNull();
    expect(await missedTo(callId)).toBeNull(); // not ended yet
  });

  it('"missed call" goes only to those who neither joined nor declined: a declined member gets none', async () => {
    const { ann, bob, cat, dan, callId } = await groupCall();
    await declineCall(t.db, { callId, userId: bob.id });
    await acceptCall(t.db, { callId, userId: cat.id, connectionId: `cat-${callId}`, leaseMs: LEASE_MS });
    // Cat leaves, then Ann: the answered call ends `completed`; Dan was rung and never came.
    await leaveCall(t.db, { callId, userId: cat.id });
    const ended = await leaveCall(t.db, { callId, userId: ann.id });
    expect(ended.call).toMatchObject({ state: 'ended' });
    expect(usersOf(await missedTo(callId))).toEqual([dan.id]);
  });

  it('a decline while a group call runs without you (your device still rang) is recorded: no "missed call" for it', async () => {
    const { ann, bob, cat, dan, callId } = await groupCall();
    await acceptCall(t.db, { callId, userId: cat.id, connectionId: `cat-${callId}`, leaseMs: LEASE_MS });
    const declined = await declineCall(t.db, { callId, userId: bob.id });
    expect(declined.call.state).toBe('active');
    await leaveCall(t.db, { callId, userId: ann.id });
    expect(usersOf(await missedTo(callId))).toEqual([dan.id]);
  });

  it('a ringing call that times out: everyone rung who did not decline', async () => {
    const { bob, cat, dan, callId } = await groupCall();
    await declineCall(t.db, { callId, userId: cat.id });
    await t.db.pool.query(`UPDATE calls SET state = 'ended', end_reason = 'missed', ended_at = now() WHERE id = $1`, [callId]);
    expect(usersOf(await missedTo(callId))).toEqual(sorted(bob, dan));
  });

  it('a direct call answered and hung up leaves nobody with a "missed call"', async () => {
    const [ann, bob] = await Promise.all([subscribed('ann'), subscribed('bob')]);
    const { conversationId } = await openDirectConversation(t.db, ann.id, bob.id);
    const callId = randomUUID();
    await createCall(t.db, { callId, conversationId, callerId: ann.id, connectionId: `ann-${callId}`, media: 'audio', leaseMs: LEASE_MS });
    await acceptCall(t.db, { callId, userId: bob.id, connectionId: `bob-${callId}`, leaseMs: LEASE_MS });
    await leaveCall(t.db, { callId, userId: bob.id });
    expect(await missedTo(callId)).toBeNull();
  });
});

describe('the effective level', () => {
  it('is the same rule in SQL and in TypeScript, for every stored level and kind', async () => {
    const stored: Array<NotifyLevel | null> = [null, 'all', 'mentions', 'none'];
    for (const kind of ['direct', 'group'] as const) {
      for (const level of stored) {
        const { rows } = await t.db.pool.query<{ level: string }>(
          `SELECT ${effectiveNotifyLevelSql('v.notify', 'v.kind')} AS level FROM (SELECT $1::"NotifyLevel" AS notify, $2::"ConversationKind" AS kind) v`,
          [level, kind],
        );
        expect(rows[0]?.level).toBe(effectiveNotifyLevel(level, kind));
      }
      expect(effectiveNotifyLevel(null, kind)).toBe(defaultNotifyLevel(kind));
    }
  });
});
