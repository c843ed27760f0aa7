// The fake FCM on real sockets, driven the way Chromium's GCM client drives Google's backend
// (gcm-test-client.ts), with pushes sent by the `web-push` library the gateway uses.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { startFakeFcm, type FakeFcm } from './fake-fcm.ts';
import { checkIn, McsTestClient, post, registerWebPush, type Device } from './gcm-test-client.ts';
import { decryptAes128gcm, newUserAgentKeys, type UserAgentKeys } from './push-crypto.ts';

let fake: FakeFcm;
beforeAll(async () => {
  fake = await startFakeFcm();
});
afterAll(async () => {
  await fake?.close();
});

interface Subscriber {
  device: Device;
  keys: UserAgentKeys;
  vapid: { publicKey: string; privateKey: string };
  token: string;
}

async function subscriber(host = 'jmt17.google.com'): Promise<Subscriber & { endpoint: string }> {
  const { status, device } = await checkIn(fake);
  expect(status).toBe(200);
  const vapid = webpush.generateVAPIDKeys();
  const answer = await registerWebPush(fake, device!, vapid.publicKey);
  expect(answer).toMatch(/^token=fakeInstance:[A-Za-z0-9_-]+$/);
  const token = answer.slice('token='.length);
  return { device: device!, keys: newUserAgentKeys(), vapid, token, endpoint: `https://${host}/fcm/send/${token}` };
}

function send(sub: Subscriber & { endpoint: string }, text: string, options: { vapid?: Subscriber['vapid']; contentEncoding?: 'aes128gcm' | 'aesgcm' } = {}) {
  return webpush.sendNotification({ endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh, auth: sub.keys.auth } }, text, {
    vapidDetails: { subject: 'mailto:ops@parley.test', ...(options.vapid ?? sub.vapid) },
    TTL: 60,
    urgency: 'high',
    topic: 'conversation1',
    contentEncoding: options.contentEncoding ?? 'aes128gcm',
    agent: fake.agent,
  });
}

const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 201,
    (error: unknown) => (error instanceof webpush.WebPushError ? error.statusCode : -1),
  );

describe('fake FCM', () => {
  it('passes a Web Push, still encrypted, to the device over MCS, addressed as Chromium reads it; only the subscriber’s keys decrypt it', async () => {
    for (const host of ['jmt17.google.com', 'fcm.googleapis.com']) {
      const sub = await subscriber(host);
      const client = await McsTestClient.connect(fake, sub.device);
      expect(await client.loginResult()).toBeUndefined();
      expect((await send(sub, `hello via ${host}`)).statusCode).toBe(201);

      const message = await client.nextDataMessage();
      const accepted = await fake.next((p) => p.token === sub.token);
      expect(message).toMatchObject({ from: sub.vapid.publicKey, to: sub.token, category: 'org.chromium.linux', persistentId: accepted.persistentId });
      expect(message.appData).toEqual([['subtype', 'wp:http://127.0.0.1:1/#A1-V2'], ['content-encoding', 'aes128gcm']]);
      expect(message.rawData.equals(accepted.body)).toBe(true);
      expect(decryptAes128gcm(message.rawData, sub.keys).toString()).toBe(`hello via ${host}`);
      expect(accepted).toMatchObject({ ttl: 60, urgency: 'high', topic: 'conversation1', vapidKey: sub.vapid.publicKey, claims: { aud: `https://${host}`, sub: 'mailto:ops@parley.test' } });
      await client.close();
    }
    expect(fake.violations).toEqual([]);
  });

  it('keeps pushes for a device that is not connected, and sends them again after a reconnect until acknowledged', async () => {
    const sub = await subscriber();
    expect((await send(sub, 'while away')).statusCode).toBe(201);

    const first = await McsTestClient.connect(fake, sub.device);
    expect(await first.loginResult()).toBeUndefined();
    const away = await first.nextDataMessage();
    expect(decryptAes128gcm(away.rawData, sub.keys).toString()).toBe('while away');
    await first.close(); // before acknowledging it

    const second = await McsTestClient.connect(fake, sub.device);
    expect(await second.loginResult()).toBeUndefined();
    expect((await second.nextDataMessage()).persistentId).toBe(away.persistentId);
    second.ping();
    second.ack(2); // the login response was 1, the message 2
    expect((await second.nextFrame())?.tag).toBe(1); // heartbeat ack
    await second.close();

    // Acknowledged: a new login gets only what came after.
    expect((await send(sub, 'later')).statusCode).toBe(201);
    const third = await McsTestClient.connect(fake, sub.device);
    expect(await third.loginResult()).toBeUndefined();
    const later = await third.nextDataMessage();
    expect(decryptAes128gcm(later.rawData, sub.keys).toString()).toBe('later');
    third.ack(2);
    await third.close();

    // A login that says it received a message (received_persistent_id) does not get it again.
    expect((await send(sub, 'once')).statusCode).toBe(201);
    const fourth = await McsTestClient.connect(fake, sub.device);
    expect(await fourth.loginResult()).toBeUndefined();
    const once = await fourth.nextDataMessage();
    expect(decryptAes128gcm(once.rawData, sub.keys).toString()).toBe('once');
    await fourth.close();
    const fifth = await McsTestClient.connect(fake, sub.device, [once.persistentId]);
    expect(await fifth.loginResult()).toBeUndefined();
    expect((await send(sub, 'next')).statusCode).toBe(201);
    expect(decryptAes128gcm((await fifth.nextDataMessage()).rawData, sub.keys).toString()).toBe('next');
    await fifth.close();
    expect(fake.violations).toEqual([]);
  });

  it('refuses what a browser or an application server gets wrong, with the answers they act on', async () => {
    const sub = await subscriber();
    const ca = fake.certificatePem;

    expect((await post(fake.checkinUrl, Buffer.from([0xff, 0xff]), { 'content-type': 'application/x-protobuf' }, ca)).status).toBe(400);
    expect((await checkIn(fake, { androidId: sub.device.androidId, securityToken: sub.device.securityToken + 1n })).status).toBe(401);
    // A later check-in with the right credentials keeps the device.
    expect((await checkIn(fake, sub.device)).device).toEqual(sub.device);

    expect(await registerWebPush(fake, { ...sub.device, securityToken: 1n }, sub.vapid.publicKey)).toBe('Error=AUTHENTICATION_FAILED');
    expect(await registerWebPush(fake, sub.device, sub.vapid.publicKey, undefined, { sender: '' })).toBe('Error=INVALID_PARAMETERS');

    expect(await statusOf(send(sub, 'signed with another key', { vapid: webpush.generateVAPIDKeys() }))).toBe(403);
    expect(await statusOf(send(sub, 'old encoding', { contentEncoding: 'aesgcm' }))).toBe(400);
    expect(await statusOf(send({ ...sub, endpoint: 'https://fcm.googleapis.com/fcm/send/nobody:xyz' }, 'to no one'))).toBe(404);

    const login = await McsTestClient.connect(fake, { ...sub.device, securityToken: 7n });
    expect(await login.loginResult()).toBe(401);
    expect(await login.nextFrame()).toBeNull(); // and the connection closes

    // Unsubscribing (register3 with delete=true) makes the endpoint unknown: 404, and the server drops it.
    expect(await registerWebPush(fake, sub.device, sub.vapid.publicKey, undefined, { delete: 'true' })).toBe('token=fakeInstance');
    expect(await statusOf(send(sub, 'after unsubscribe'))).toBe(404);

    // The agent reaches only the fake's hosts.
    const elsewhere = await new Promise<string>((resolve) => {
      request('https://example.com/', { agent: fake.agent }, () => resolve('answered'))
        .on('error', (error) => resolve(error.message))
        .end();
    });
    expect(elsewhere).toBe('example.com is not served by the fake push backend on loopback');

    expect(fake.violations).toEqual([
      expect.stringMatching(/^check-in: ProtobufWireError/),
      'check-in with an unknown android id or security token',
      expect.stringMatching(/^registration: Authorization is not a checked-in device/),
      'registration: app and sender are required',
      'VAPID key is not the applicationServerKey the subscription was made with (RFC 8292 §4.2)',
      'Content-Encoding is aesgcm, not aes128gcm (RFC 8291)',
      expect.stringMatching(/^MCS login refused for \d+@mcs.android.com$/),
    ]);
    fake.violations.length = 0;
  });
});
