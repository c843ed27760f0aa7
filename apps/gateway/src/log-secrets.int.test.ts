import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionToken } from '@parley/api';
import type { PublicUser } from '@parley/protocol';
import { createLogger } from './logger.ts';
import { startHarness, type Harness } from './testing/harness.ts';
import { act, newClientId } from './testing/ws-client.ts';

// Every line the gateway logs at trace level while people do what leaks secrets if anything
// does: passwords (right, wrong, in broken JSON), session cookies (good and forged), TURN and
// metrics secrets, TURN credentials handed out.
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

const PASSWORD = 'hunter2-correct-horse-battery-secret';
const WRONG_PASSWORD = 'wrong-password-should-not-be-logged';
const JSON_PASSWORD = 'password-inside-broken-json-body';
const NEW_PASSWORD = 'brand-new-password-never-logged';
const WRONG_CURRENT = 'wrong-current-password-never-logged';
const SHORT_NEW = 'short7!';
const TURN_SECRET = 'turn-static-auth-secret-0123456789';
const METRICS_TOKEN = 'metrics-bearer-token-0123456789';
const FORGED_TOKEN = 'A'.repeat(43);
/** Not a secret from its readers, but people's words are never logged either. */
const BODY = 'a private message body that stays out of logs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    logger: createLogger('trace', sink),
    env: { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET, METRICS_TOKEN, LOG_LEVEL: 'trace' },
  });
});
afterAll(() => h?.close());

describe('logs never hold secrets', () => {
  it('has no password, cookie, session token, TURN secret or credential, or metrics token in any line', async () => {
    const signedUp = await h.trpc<{ user: PublicUser }>('auth.signUp', { handle: 'leaky', displayName: 'Leaky', password: PASSWORD });
    const cookie = signedUp.setCookie!.split(';')[0]!;
    const token = cookie.split('=')[1]!;
    expect((await h.trpc('auth.signIn', { handle: 'leaky', password: WRONG_PASSWORD })).status).toBe(401);
    expect((await h.trpc('auth.signIn', { handle: 'nobody_here', password: WRONG_PASSWORD })).status).toBe(401);
    const broken = await fetch(`${h.origin}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin: h.origin },
      body: `{"handle":"leaky","password":"${JSON_PASSWORD}"`,
    });
    expect(broken.status).toBe(400);
    expect((await h.trpc('auth.signIn', { handle: 'leaky', password: PASSWORD })).status).toBe(200);

    const ice = await h.trpc<{ iceServers: Array<{ username?: string; credential?: string }> }>('calls.iceServers', undefined, { cookie, method: 'GET' });
    const credential = ice.data?.iceServers.find((s) => s.credential)?.credential;
    expect(credential).toBeTruthy();

    // A forged cookie on the upgrade and on HTTP.
    const forged = new WebSocket(h.wsUrl, { headers: { cookie: `parley_session=${FORGED_TOKEN}`, origin: h.origin } });
    await new Promise((resolve) => forged.once('close', resolve).once('error', resolve));
    expect((await h.trpc('auth.me', undefined, { cookie: `parley_session=${FORGED_TOKEN}`, method: 'GET' })).status).toBe(200);

    // The real cookie over the socket, a send, and a refused frame carrying a password.
    const socket = await h.connect({ user: signedUp.data!.user, cookie });
    socket.send(JSON.stringify({ type: 'chat_send', body: PASSWORD }));
    expect((await socket.next('error')).code).toBe('bad_frame');
    const group = await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'logs', memberIds: [] }, { cookie });
    const ack = await act(socket, { type: 'chat_send', conversationId: group.data!.conversationId, clientId: newClientId(), body: BODY });
    expect(ack.type).toBe('chat_ack');

    // A password change: wrong current password, a refused new one, then the real change.
    const change = (currentPassword: string, newPassword: string) => h.trpc('account.changePassword', { currentPassword, newPassword }, { cookie });
    expect((await change(WRONG_CURRENT, NEW_PASSWORD)).status).toBe(401);
    expect((await change(PASSWORD, SHORT_NEW)).status).toBe(400);
    expect((await change(PASSWORD, NEW_PASSWORD)).status).toBe(200);
    expect((await h.trpc('account.delete', { password: WRONG_CURRENT }, { cookie })).status).toBe(401);

    expect((await fetch(`${h.origin}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${h.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    expect((await h.trpc('auth.signOut', undefined, { cookie })).status).toBe(200);
    await socket.closed;
    // The server's side of the close comes a moment after the client's.
    await expect.poll(() => lines.some((line) => line.includes('"msg":"socket closed"'))).toBe(true);

    // The check must have something to look at: request lines, the socket's start and end.
    expect(lines.length).toBeGreaterThan(20);
    for (const msg of ['incoming request', 'hello accepted', 'frame refused', 'socket closed']) {
      expect(lines.some((line) => line.includes(`"msg":"${msg}"`)), msg).toBe(true);
    }
    const all = lines.join('\n');
    const secrets: Record<string, string> = {
      password: PASSWORD,
      'wrong password': WRONG_PASSWORD,
      'password in broken JSON': JSON_PASSWORD,
      'new password': NEW_PASSWORD,
      'wrong current password': WRONG_CURRENT,
      'refused new password': SHORT_NEW,
      'session token': token,
      'session token hash': hashSessionToken(token),
      'forged token': FORGED_TOKEN,
      'TURN secret': TURN_SECRET,
      'TURN credential': credential!,
      'metrics token': METRICS_TOKEN,
      'message body': BODY,
    };
    const leaked = Object.entries(secrets).filter(([, value]) => all.includes(value)).map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
