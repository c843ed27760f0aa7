import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment, ChatAckFrame, ErrorFrame } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { completeDirectUpload, downloadFile, putToStore, startDirectUpload } from './testing/files-client.ts';
import { startFakeS3 } from './testing/fake-s3.ts';
import { act } from './testing/ws-client.ts';

// Direct uploads against a FAKE S3 (s3rver 3.7.1, see testing/fake-s3.ts), real Postgres, a real
// gateway. s3rver checks a presigned URL's expiry but does NOT verify V4 signatures at all, so
// it cannot refuse a PUT whose size or metadata differ from what was signed: these tests check
// that Content-Length and the metadata are among the signed headers, and that the gateway's
// own check on completion refuses a wrong size whatever the store let through.

const MAX_UPLOAD_BYTES = 256 * 1024;

let fake: Awaited<ReturnType<typeof startFakeS3>>;
let h: Harness;
let alice: TestUser;
let bob: TestUser;
let conversation: string;

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#33aa66' } }).png().toBuffer();
const incoming = (uploadId: string) => h.server.deps.files.store.direct!.describe(`incoming/${uploadId}`);
const rowCount = async (uploadId: string) => {
  const answer = await downloadFile(h.origin, alice, uploadId);
  return answer.status === 200 ? 1 : 0;
};

beforeAll(async () => {
  fake = await startFakeS3();
  h = await startHarness({ env: { ...fake.env, MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  conversation = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie })).data!.conversationId;
});
afterAll(async () => {
  await h?.close();
  await fake?.stop();
});

describe('direct uploads with STORAGE=s3 (FAKE S3)', () => {
  it('signs a PUT of the declared size, completes into the same file POST /files makes, and it attaches and downloads', async () => {
    const bytes = await png(300, 120);
    const started = await startDirectUpload(h.origin, alice, { name: 'straight.png', size: bytes.length, type: 'image/png' });
    expect(started.status).toBe(201);
    const ticket = started.body;
    expect(ticket.method).toBe('PUT');
    expect(Date.parse(ticket.expiresAt)).toBeGreaterThan(Date.now());
    const signed = new URL(ticket.url).searchParams.get('X-Amz-SignedHeaders')!.split(';');
    // What makes a real S3 refuse another size, or another uploader or name.
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'x-amz-meta-uploader', 'x-amz-meta-name', 'x-amz-meta-size']));
    expect(Object.keys(ticket.headers).sort()).toEqual(['x-amz-meta-name', 'x-amz-meta-size', 'x-amz-meta-uploader']);

    expect(await putToStore(ticket, bytes)).toBe(200);
    const completed = await completeDirectUpload(h.origin, alice, ticket.uploadId);
    expect(completed.status).toBe(201);
    const file: Attachment = completed.body;
    expect(file).toEqual({ id: ticket.uploadId, name: 'straight.png', size: bytes.length, mime: 'image/png', width: 300, height: 120, thumbnail: { width: 300, height: 120 } });
    expect(await incoming(ticket.uploadId)).toBeNull();
    // Completing again answers the same, and stores nothing more.
    expect(await completeDirectUpload(h.origin, alice, ticket.uploadId)).toEqual({ status: 201, body: file });

    const socket = await h.connect(alice);
    const ack = (await act(socket, { type: 'chat_send', conversationId: conversation, body: 'direct', attachments: [file.id] })) as ChatAckFrame | ErrorFrame;
    expect(ack.type).toBe('chat_ack');
    const served = await downloadFile(h.origin, bob, file.id);
    expect(served.status).toBe(200);
    expect(served.bytes.equals(bytes)).toBe(true);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toContain('inline; filename="straight.png"');
    expect((await downloadFile(h.origin, bob, file.id, '/thumbnail')).status).toBe(200);
    // Still idempotent once sent.
    expect((await completeDirectUpload(h.origin, alice, ticket.uploadId)).body).toEqual(file);
  });

  it('sniffs the type from the bytes, not the declared one, and keeps a non-ASCII name', async () => {
    const bytes = Buffer.from('not a picture at all');
    const ticket = (await startDirectUpload(h.origin, alice, { name: 'ファイル.png', size: bytes.length, type: 'image/png' })).body;
    expect(await putToStore(ticket, bytes)).toBe(200);
    const file = (await completeDirectUpload(h.origin, alice, ticket.uploadId)).body;
    expect(file).toMatchObject({ name: 'ファイル.png', size: bytes.length, width: null, thumbnail: null });
    expect(file.mime).not.toBe('image/png');
  });

  it('refuses an object of another size than declared, and leaves nothing behind', async () => {
    for (const actual of [40, 60]) {
      const ticket = (await startDirectUpload(h.origin, alice, { name: 'x.bin', size: 50 })).body;
      // A real S3 answers 403 here (Content-Length is signed); s3rver does not check V4
      // signatures and stores it: the gateway's completion is then what refuses it.
      await putToStore(ticket, Buffer.alloc(actual, 7));
      const answer = await completeDirectUpload(h.origin, alice, ticket.uploadId);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'invalid_input', message: `The uploaded file is ${actual} bytes, not the 50 declared: start again` });
      expect(await incoming(ticket.uploadId)).toBeNull();
      expect(await rowCount(ticket.uploadId)).toBe(0);
    }
  });

  it('lets only the person who asked complete', async () => {
    const bytes = Buffer.from('alice only');
    const ticket = (await startDirectUpload(h.origin, alice, { name: 'mine.txt', size: bytes.length })).body;
    await putToStore(ticket, bytes);
    const stolen = await completeDirectUpload(h.origin, bob, ticket.uploadId);
    expect(stolen).toMatchObject({ status: 404, body: { error: 'not_found', message: 'No such upload' } });
    expect(await incoming(ticket.uploadId)).not.toBeNull();
    expect((await completeDirectUpload(h.origin, alice, ticket.uploadId)).status).toBe(201);
    // Nor afterwards: the finished file is still alice's alone.
    expect(await completeDirectUpload(h.origin, bob, ticket.uploadId)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await downloadFile(h.origin, bob, ticket.uploadId)).status).toBe(404);
  });

  it('says clearly when completing comes before the upload, and completes once it is there', async () => {
    const bytes = Buffer.from('late bytes');
    const ticket = (await startDirectUpload(h.origin, alice, { name: 'late.txt', size: bytes.length })).body;
    const early = await completeDirectUpload(h.origin, alice, ticket.uploadId);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('PUT the file to its url first') });
    await putToStore(ticket, bytes);
    expect((await completeDirectUpload(h.origin, alice, ticket.uploadId)).status).toBe(201);
    expect(await completeDirectUpload(h.origin, alice, 'not-an-id')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('refuses a file over MAX_UPLOAD_BYTES before signing anything, and bad input clearly', async () => {
    const tooBig = await startDirectUpload(h.origin, alice, { name: 'big.bin', size: MAX_UPLOAD_BYTES + 1 });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ error: 'too_large', message: 'A file can be at most 256 KiB', maxBytes: MAX_UPLOAD_BYTES });
    expect(tooBig.body).not.toHaveProperty('url');
    for (const body of [{ name: 'a' }, { name: 'a', size: 0 }, { name: 'a', size: 1.5 }, { name: 'a', size: '10' }, { name: 'x'.repeat(1025), size: 10 }]) {
      const answer = await startDirectUpload(h.origin, alice, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'invalid_input' });
    }
    const anonymous = await fetch(`${h.origin}/files/direct`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin: h.origin }, body: '{"size":1}' });
    expect(anonymous.status).toBe(401);
  });

  it('sweeps a direct upload never completed once older than UPLOAD_ORPHAN_TTL_MS', async () => {
    const swept = await startHarness({ env: { ...fake.env, UPLOAD_ORPHAN_TTL_MS: '1000' } });
    try {
      const user = await swept.signUp('dora');
      const bytes = Buffer.from('abandoned');
      const ticket = (await startDirectUpload(swept.origin, user, { name: 'gone.txt', size: bytes.length })).body;
      await putToStore(ticket, bytes);
      const direct = swept.server.deps.files.store.direct!;
      expect(await direct.describe(`incoming/${ticket.uploadId}`)).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(await swept.server.deps.files.sweep.runOnce()).toBe(1);
      expect(await direct.describe(`incoming/${ticket.uploadId}`)).toBeNull();
      expect(await completeDirectUpload(swept.origin, user, ticket.uploadId)).toMatchObject({ status: 409, body: { error: 'conflict' } });
    } finally {
      await swept.close();
    }
  });

  it('lets the page connect to the store it signs PUTs for, and a server on local disk nowhere but itself', async () => {
    const connectSrc = async (origin: string) => {
      const policy = (await fetch(`${origin}/healthz`)).headers.get('content-security-policy') ?? '';
      return policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
    };
    const ticket = (await startDirectUpload(h.origin, alice, { name: 'where.txt', size: 3 })).body;
    // The upload folder of this bucket, not the host: path-style hosts serve every bucket.
    const folder = `${new URL(fake.settings.endpoint!).origin}/${fake.settings.bucket}/${fake.settings.prefix}incoming/`;
    expect(ticket.url.startsWith(`${folder}${ticket.uploadId}?`)).toBe(true);
    expect(await connectSrc(h.origin)).toBe(`connect-src 'self' ${folder}`);
    const local = await startHarness();
    try {
      expect(await connectSrc(local.origin)).toBe("connect-src 'self'");
    } finally {
      await local.close();
    }
  });
});
