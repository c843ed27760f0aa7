import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import pg from 'pg';
import sharp from 'sharp';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment, ChatAckFrame, ErrorFrame, Message } from '@parley/protocol';
import { loadConfig } from './config.ts';
import { startServer, type RunningServer } from './server.ts';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { completeDirectUpload, downloadFile, startDirectUpload, uploadFile } from './testing/files-client.ts';
import { startFakeS3 } from './testing/fake-s3.ts';
import { act, ackedMessage, nextMessage, type TestSocket } from './testing/ws-client.ts';

// Real Postgres, real files on disk, a real second node: nothing here is mocked.
const MAX_UPLOAD_BYTES = 256 * 1024;

let h: Harness;
let filesDir: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let direct: string;
let sql: pg.Pool;

const png = (width: number, height: number, color = '#3366ff') =>
  sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();

beforeAll(async () => {
  filesDir = await mkdtemp(join(tmpdir(), 'parley-files-test-'));
  h = await startHarness({ env: { FILES_DIR: filesDir, MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
  sql = new pg.Pool({ connectionString: h.databaseUrl, max: 2 });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  carol = await h.signUp('carol');
  direct = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie })).data!.conversationId;
});
afterAll(async () => {
  await sql?.end();
  await h?.close();
  await rm(filesDir, { recursive: true, force: true });
});

const upload = async (user: TestUser, bytes: Uint8Array, name = 'picture.png'): Promise<Attachment> => {
  const answer = await uploadFile(h.origin, user, bytes, name);
  if (!answer.attachment) throw new Error(`upload failed: ${answer.status} ${JSON.stringify(answer.error)}`);
  return answer.attachment;
};

const send = (socket: TestSocket, conversationId: string, body: string, attachments?: string[], clientId?: string) =>
  act(socket, { type: 'chat_send', conversationId, body, ...(attachments ? { attachments } : {}), ...(clientId ? { clientId } : {}) });

const acked = (answer: ChatAckFrame | ErrorFrame): Message => {
  if (answer.type !== 'chat_ack') throw new Error(`refused: ${answer.code} ${answer.message}`);
  return ackedMessage(answer);
};

const rejectAfter = (ms: number, why: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(why)), ms));
const storedObjects = async () => (await readdir(join(filesDir, 'files')).catch(() => [])).length;
const rowsOf = async (uploadId: string) => (await sql.query<{ state: string; message_id: string | null }>('SELECT state, message_id FROM uploads WHERE id = $1', [uploadId])).rows;

describe('uploading', () => {
  it('answers direct uploads with "not available, use POST /files" on local storage, so clients fall back', async () => {
    for (const answer of [
      await startDirectUpload(h.origin, alice, { name: 'a.txt', size: 5 }),
      await completeDirectUpload(h.origin, alice, '00000000-0000-4000-8000-000000000000'),
    ]) {
      expect(answer).toEqual({ status: 404, body: { error: 'not_found', message: 'Direct uploads are not available on this server: upload with POST /files' } });
    }
  });

  it('sniffs an image, measures it, makes a thumbnail, and keeps it private to the uploader until sent', async () => {
    const bytes = await png(1200, 600);
    const file = await upload(alice, bytes);
    expect(file).toMatchObject({ name: 'picture.png', size: bytes.length, mime: 'image/png', width: 1200, height: 600, thumbnail: { width: 480, height: 240 } });

    const own = await downloadFile(h.origin, alice, file.id);
    expect(own.status).toBe(200);
    expect(own.bytes.equals(bytes)).toBe(true);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(own.headers.get('content-security-policy')).toContain('sandbox');
    const thumb = await downloadFile(h.origin, alice, file.id, '/thumbnail');
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ width: 480, height: 240, format: 'webp' });
    // ?download=1 asks for the same image as a download; any other value changes nothing.
    const asked = await downloadFile(h.origin, alice, file.id, '?download=1');
    expect(asked.headers.get('content-type')).toBe('application/octet-stream');
    expect(asked.headers.get('content-disposition')).toMatch(/^attachment; filename="picture.png"/);
    expect((await downloadFile(h.origin, alice, file.id, '?download=0')).headers.get('content-disposition')).toMatch(/^inline; /);

    // Not sent yet: nobody else sees it, member of a shared conversation or not.
    expect((await downloadFile(h.origin, bob, file.id)).status).toBe(404);
    expect((await downloadFile(h.origin, undefined, file.id)).status).toBe(401);
  });

  it('ignores a lying Content-Type: PNG bytes labelled text/html are a PNG, HTML labelled image/png is a download', async () => {
    const bytes = await png(10, 10);
    const labelledHtml = await uploadFile(h.origin, alice, bytes, 'x.png', { 'content-type': 'text/html' });
    expect(labelledHtml.attachment?.mime).toBe('image/png');

    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const labelledPng = (await uploadFile(h.origin, alice, html, 'evil.png', { 'content-type': 'image/png' })).attachment!;
    expect(labelledPng).toMatchObject({ mime: 'application/octet-stream', width: null, height: null, thumbnail: null });
    const served = await downloadFile(h.origin, alice, labelledPng.id);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="evil.png"/);
    expect((await downloadFile(h.origin, alice, labelledPng.id, '/thumbnail')).status).toBe(404);
  });

  it('never serves SVG inline (it can carry script)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    const file = (await uploadFile(h.origin, alice, svg, 'logo.svg', { 'content-type': 'image/svg+xml' })).attachment!;
    expect(file.mime).not.toContain('svg');
    const served = await downloadFile(h.origin, alice, file.id);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
    // With an XML declaration it is sniffed as XML: still a download.
    const declared = Buffer.concat([Buffer.from('<?xml version="1.0"?>'), svg]);
    const xml = (await uploadFile(h.origin, alice, declared, 'logo2.svg')).attachment!;
    expect(xml).toMatchObject({ mime: 'application/xml', thumbnail: null });
    expect((await downloadFile(h.origin, alice, xml.id)).headers.get('content-type')).toBe('application/octet-stream');
  });

  it('refuses a name parameter over 1024 characters, or given twice', async () => {
    const long = await uploadFile(h.origin, alice, Buffer.from('x'), 'a'.repeat(1025));
    expect(long).toMatchObject({ status: 400, error: { error: 'invalid_input' } });
    const twice = await fetch(`${h.origin}/files?name=a&name=b`, { method: 'POST', headers: { cookie: alice.cookie, 'x-parley-csrf': '1' }, body: 'x' });
    expect(twice.status).toBe(400);
    expect((await upload(alice, Buffer.from('x'), `${'b'.repeat(300)}.txt`)).name).toBe(`${'b'.repeat(251)}.txt`);
  });

  it('keeps only the last part of a name with path tricks, and stores bytes under the upload id alone', async () => {
    const before = await readdir(join(filesDir, 'files'));
    const tricky = (await upload(alice, Buffer.from('plain text'), '../../etc/pass\u202ewd\u0000.txt')).name;
    expect(tricky).toBe('passwd.txt');
    expect((await upload(alice, Buffer.from('x'), '..\\..\\boot.ini')).name).toBe('boot.ini');
    expect((await upload(alice, Buffer.from('x'), '..')).name).toBe('file');
    const added = (await readdir(join(filesDir, 'files'))).filter((name) => !before.includes(name));
    expect(added).toHaveLength(3);
    for (const name of added) expect(name).toMatch(/^[0-9a-f-]{36}$/);
    // Nothing escaped the store's directory.
    expect(await readdir(filesDir)).toEqual(expect.arrayContaining(['files']));
    expect((await readdir(filesDir)).filter((name) => !['files', 'thumbs', 'tmp'].includes(name))).toEqual([]);
  });

  it('refuses an empty file', async () => {
    const answer = await uploadFile(h.origin, alice, new Uint8Array(0), 'empty.txt');
    expect(answer).toMatchObject({ status: 400, error: { error: 'invalid_input', message: 'The file is empty' } });
  });

  it('refuses a file over MAX_UPLOAD_BYTES from its Content-Length, before storing anything', async () => {
    const objects = await storedObjects();
    const answer = await uploadFile(h.origin, alice, new Uint8Array(MAX_UPLOAD_BYTES + 1), 'big.bin');
    expect(answer).toMatchObject({ status: 413, error: { error: 'too_large', message: 'A file can be at most 256 KiB', maxBytes: MAX_UPLOAD_BYTES } });
    expect(await storedObjects()).toBe(objects);
    // Exactly at the limit is fine.
    expect((await uploadFile(h.origin, alice, new Uint8Array(MAX_UPLOAD_BYTES).fill(7), 'edge.bin')).status).toBe(201);
  });

  it('holds a body without Content-Length (chunked) to the limit while streaming, and keeps none of it', async () => {
    const objects = await storedObjects();
    const { count: rowsBefore } = (await sql.query<{ count: string }>('SELECT count(*) FROM uploads')).rows[0]!;
    const chunk = new Uint8Array(64 * 1024).fill(1);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= MAX_UPLOAD_BYTES * 4) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    // The server answers at the first byte over the limit and reads (discarding) what the
    // client still sends, so the client gets the 413, not a connection reset.
    const answer = await uploadFile(h.origin, alice, stream, 'stream.bin');
    expect(answer).toMatchObject({ status: 413, error: { error: 'too_large', message: 'A file can be at most 256 KiB', maxBytes: MAX_UPLOAD_BYTES } });
    expect(await storedObjects()).toBe(objects);
    expect((await sql.query<{ count: string }>('SELECT count(*) FROM uploads')).rows[0]!.count).toBe(rowsBefore);
    expect(await readdir(join(filesDir, 'tmp'))).toEqual([]);
  });

  it('a client that sends its whole body before reading still gets the 413: the server reads the rest instead of closing on it', async () => {
    const url = new URL(h.origin);
    const socket = connect(Number(url.port), url.hostname);
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    const failed = new Promise<never>((_, reject) => socket.once('error', reject));
    socket.write(
      `POST /files?name=naive.bin HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${alice.cookie}\r\nx-parley-csrf: 1\r\nOrigin: ${h.origin}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = Buffer.alloc(16 * 1024, 1);
    // Twice the limit, a chunk at a time, never reading: a naive client, or one whose reads lag.
    for (let sent = 0; sent < MAX_UPLOAD_BYTES * 2; sent += chunk.length) {
      const wrote = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n');
      await Promise.race([wrote ? new Promise((resolve) => setTimeout(resolve, 2)) : once(socket, 'drain'), failed, rejectAfter(5_000, 'the server stopped reading the body')]);
    }
    socket.write('0\r\n\r\n');
    await expect.poll(() => answer, { timeout: 5_000 }).toMatch(/\r\n\r\n\{.*\}$/s);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"error":"too_large"');
    socket.destroy();
  });

  it('refuses an upload without a session, or without the CSRF header', async () => {
    expect((await uploadFile(h.origin, undefined, Buffer.from('x'), 'a.txt')).status).toBe(401);
    expect((await uploadFile(h.origin, alice, Buffer.from('x'), 'a.txt', { 'x-parley-csrf': '' })).status).toBe(403);
    expect((await uploadFile(h.origin, alice, Buffer.from('x'), 'a.txt', { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('counts uploads per person (UPLOADS_PER_MINUTE): past it 429 with a wait, nothing stored', async () => {
    const limited = await startHarness({ env: { UPLOADS_PER_MINUTE: '2' } });
    try {
      const user = await limited.signUp('ursula');
      expect((await uploadFile(limited.origin, user, Buffer.from('1'), 'a')).status).toBe(201);
      expect((await uploadFile(limited.origin, user, Buffer.from('2'), 'b')).status).toBe(201);
      const third = await uploadFile(limited.origin, user, Buffer.from('3'), 'c');
      expect(third).toMatchObject({ status: 429, error: { error: 'rate_limited', message: expect.stringMatching(/^Too many files, try again in/) } });
      expect(third.error?.retryAfterMs).toBeGreaterThan(0);
      // Someone else still has their own budget.
      expect((await uploadFile(limited.origin, await limited.signUp('victor'), Buffer.from('4'), 'd')).status).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('serves a truncated image as a download: its header reads, its pixels do not, so it is no verified image', async () => {
    const noisy = (format: 'png' | 'jpeg') =>
      sharp({ create: { width: 300, height: 200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })[format]().toBuffer();
    for (const [format, mime] of [['png', 'image/png'], ['jpeg', 'image/jpeg']] as const) {
      const whole = await noisy(format);
      expect(await sharp(whole.subarray(0, whole.length >> 1)).metadata()).toMatchObject({ width: 300, height: 200 }); // the header reads
      const file = await upload(alice, whole.subarray(0, whole.length >> 1), `cut.${format}`);
      expect(file).toMatchObject({ mime, width: null, height: null, thumbnail: null });
      const served = await downloadFile(h.origin, alice, file.id);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('application/octet-stream');
      expect(served.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="cut.${format}"`));
      expect((await downloadFile(h.origin, alice, file.id, '/thumbnail')).status).toBe(404);
    }
  });

  it('serves a row stored before images were verified in full (size set, no thumbnail) as a download too', async () => {
    const whole = await png(40, 20);
    const file = await upload(alice, whole, 'old.png');
    await sql.query('UPDATE uploads SET thumb_width = NULL, thumb_height = NULL WHERE id = $1', [file.id]);
    const served = await downloadFile(h.origin, alice, file.id);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('keeps a decompression bomb as a file to download: no decoding, no thumbnail, never inline', async () => {
    // A valid PNG whose header claims 30000 x 30000 (900 Mpx, ~2.7 GB decoded) in 70 bytes.
    const bomb = Buffer.from(await png(1, 1));
    bomb.writeUInt32BE(30_000, 16);
    bomb.writeUInt32BE(30_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    const file = (await uploadFile(h.origin, alice, bomb, 'bomb.png')).attachment!;
    expect(file).toMatchObject({ mime: 'image/png', width: null, height: null, thumbnail: null });
    const served = await downloadFile(h.origin, alice, file.id);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
  });
});

describe('sending files', () => {
  it('commits files with the message, shows them to members live and in history, idempotent by clientId', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const photo = await upload(alice, await png(300, 200), 'photo.png');
    const doc = await upload(alice, Buffer.from('%PDF-1.4 not really'), 'notes.pdf');

    const message = acked(await send(a, direct, 'Holiday pictures', [photo.id, doc.id], 'files-send-1'));
    expect(message.attachments?.map((f) => f.id)).toEqual([photo.id, doc.id]);
    expect(message.attachments?.[0]).toEqual(photo);
    const live = await nextMessage(b, (m) => m.id === message.id);
    expect(live.attachments).toEqual(message.attachments);
    const history = await h.trpc<{ messages: Message[] }>('messages.history', { conversationId: direct, limit: 50 }, { cookie: bob.cookie, method: 'GET' });
    expect(history.data!.messages.find((m) => m.id === message.id)?.attachments).toEqual(message.attachments);

    const atBob = await downloadFile(h.origin, bob, photo.id);
    expect(atBob.status).toBe(200);
    expect((await sharp(atBob.bytes).metadata()).width).toBe(300);
    expect((await downloadFile(h.origin, bob, photo.id, '/thumbnail')).status).toBe(200);

    // The same clientId again: the original, files once.
    const retry = await send(a, direct, 'Holiday pictures', [photo.id, doc.id], 'files-send-1');
    expect(retry).toMatchObject({ type: 'chat_ack', duplicate: true });
    expect(acked(retry).attachments).toEqual(message.attachments);
    expect(await rowsOf(photo.id)).toEqual([{ state: 'attached', message_id: message.id }]);
    // A sent file cannot go on a second message.
    expect(await send(a, direct, 'again', [photo.id])).toMatchObject({ type: 'error', code: 'not_found' });
  });

  it('sends files without a caption, but never an empty message without files', async () => {
    const a = await h.connect(alice);
    const file = await upload(alice, await png(20, 40));
    const message = acked(await send(a, direct, '', [file.id]));
    expect(message).toMatchObject({ body: '', kind: 'text', attachments: [{ id: file.id, width: 20, height: 40 }] });
    expect(await send(a, direct, '')).toMatchObject({ type: 'error', code: 'bad_frame' });
    expect(await send(a, direct, '   ', [(await upload(alice, Buffer.from('x'))).id])).toMatchObject({ type: 'error', code: 'bad_frame' });
  });

  it('refuses unknown upload ids and other people’s uploads, storing nothing', async () => {
    const b = await h.connect(bob);
    const alicesFile = await upload(alice, Buffer.from('mine'));
    expect(await send(b, direct, 'look', ['00000000-0000-4000-8000-000000000000'])).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await send(b, direct, 'look', [alicesFile.id])).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await rowsOf(alicesFile.id)).toEqual([{ state: 'pending', message_id: null }]);
    expect(await send(b, direct, 'twice', [alicesFile.id, alicesFile.id])).toMatchObject({ type: 'error', code: 'bad_frame' });
    expect((await downloadFile(h.origin, bob, 'not-a-uuid')).status).toBe(404);
    expect((await downloadFile(h.origin, bob, '../../etc/passwd')).status).toBe(404);
  });

  it('answers a non-member 404, and a member removed from the group 404 from then on', async () => {
    const group = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Trip', memberIds: [bob.user.id, carol.user.id] }, { cookie: alice.cookie }))
      .data!.conversationId;
    const a = await h.connect(alice);
    const file = await upload(alice, await png(50, 50));
    acked(await send(a, group, 'map', [file.id]));
    expect((await downloadFile(h.origin, carol, file.id)).status).toBe(200);
    const outsider = await h.signUp('dave');
    expect((await downloadFile(h.origin, outsider, file.id)).status).toBe(404);
    expect((await downloadFile(h.origin, outsider, file.id, '/thumbnail')).status).toBe(404);

    await h.trpc('conversations.removeMember', { conversationId: group, userId: carol.user.id }, { cookie: alice.cookie });
    expect((await downloadFile(h.origin, carol, file.id)).status).toBe(404);
    expect((await downloadFile(h.origin, carol, file.id, '/thumbnail')).status).toBe(404);
    expect((await downloadFile(h.origin, bob, file.id)).status).toBe(200);
  });

  it('a download checks the session and the permission in one statement, and still tells 401 from 404', async () => {
    const a = await h.connect(alice);
    const file = await upload(alice, await png(20, 20));
    acked(await send(a, direct, 'one trip', [file.id]));
    // Every statement the node sends through its pool while the downloads run (the node's own
    // background jobs touch neither table within these few milliseconds).
    const pool = h.server.deps.db.pool;
    const statements: string[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof pool.query>) => {
      statements.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
      return query(...args);
    }) as typeof pool.query;
    try {
      expect((await downloadFile(h.origin, bob, file.id)).status).toBe(200);
      expect(statements.filter((sql) => /\b(sessions|uploads)\b/.test(sql))).toHaveLength(1);
      statements.length = 0;
      expect((await downloadFile(h.origin, carol, file.id)).status).toBe(404);
      expect((await downloadFile(h.origin, { ...carol, cookie: 'parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, file.id)).status).toBe(401);
      expect((await downloadFile(h.origin, carol, 'not-a-uuid')).status).toBe(404);
      expect(statements.filter((sql) => /\b(sessions|uploads)\b/.test(sql))).toHaveLength(3);
    } finally {
      pool.query = query;
    }
  });

  it('applies history visibility: someone added to a since_joined group cannot fetch earlier files', async () => {
    const group = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Private', memberIds: [bob.user.id] }, { cookie: alice.cookie }))
      .data!.conversationId;
    await h.trpc('conversations.setHistoryVisibility', { conversationId: group, visibility: 'since_joined' }, { cookie: alice.cookie });
    const a = await h.connect(alice);
    const before = await upload(alice, Buffer.from('before'));
    acked(await send(a, group, 'old', [before.id]));
    await h.trpc('conversations.addMembers', { conversationId: group, userIds: [carol.user.id] }, { cookie: alice.cookie });
    const after = await upload(alice, Buffer.from('after'));
    acked(await send(a, group, 'new', [after.id]));
    expect((await downloadFile(h.origin, carol, before.id)).status).toBe(404);
    expect((await downloadFile(h.origin, carol, after.id)).status).toBe(200);
  });

  it('revalidates cached copies: a matching ETag gets 304 only while still allowed', async () => {
    const a = await h.connect(alice);
    const file = await upload(alice, await png(8, 8));
    acked(await send(a, direct, 'etag', [file.id]));
    const first = await downloadFile(h.origin, bob, file.id);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const etag = first.headers.get('etag')!;
    expect((await downloadFile(h.origin, bob, file.id, '', { 'if-none-match': etag })).status).toBe(304);
    expect((await downloadFile(h.origin, carol, file.id, '', { 'if-none-match': etag })).status).toBe(404);
  });
});

describe('deleting and sweeping', () => {
  it('deleting a message stops its downloads at once, and the sweep removes the bytes', async () => {
    const a = await h.connect(alice);
    const file = await upload(alice, await png(40, 30));
    const message = acked(await send(a, direct, 'oops', [file.id]));
    const objects = await storedObjects();
    const deleted = await act(a, { type: 'chat_delete', conversationId: direct, messageId: message.id });
    expect(deleted).toMatchObject({ type: 'chat_ack', event: { kind: 'message_deleted' } });
    expect((await downloadFile(h.origin, bob, file.id)).status).toBe(404);
    expect((await downloadFile(h.origin, alice, file.id)).status).toBe(404);
    const history = await h.trpc<{ messages: Message[] }>('messages.history', { conversationId: direct, limit: 100 }, { cookie: bob.cookie, method: 'GET' });
    expect(history.data!.messages.find((m) => m.id === message.id)).not.toHaveProperty('attachments');

    expect(await h.server.deps.files.sweep.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(file.id)).toEqual([]);
    expect(await storedObjects()).toBeLessThan(objects);
    expect(await readdir(join(filesDir, 'thumbs'))).not.toContain(file.id);
  });

  it('clears temporary files a crash left behind (an hour untouched), and leaves fresh ones', async () => {
    const tmp = join(filesDir, 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'crashed.part'), 'half an upload');
    await utimes(join(tmp, 'crashed.part'), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    await writeFile(join(tmp, 'in-progress.part'), 'still coming');
    await h.server.deps.files.sweep.runOnce();
    expect(await readdir(tmp)).toEqual(['in-progress.part']);
    await rm(join(tmp, 'in-progress.part'));
  });

  it('sweeps uploads never sent once older than UPLOAD_ORPHAN_TTL_MS; a late send of one is refused', async () => {
    const swept = await startHarness({ env: { UPLOAD_ORPHAN_TTL_MS: '1000' } });
    try {
      const user = await swept.signUp('erin');
      const friend = await swept.signUp('frank');
      const conv = (await swept.trpc<{ conversationId: string }>('conversations.openDirect', { userId: friend.user.id }, { cookie: user.cookie })).data!.conversationId;
      const orphan = (await uploadFile(swept.origin, user, Buffer.from('forgotten'), 'a.txt')).attachment!;
      const fresh = (await uploadFile(swept.origin, user, Buffer.from('sent'), 'b.txt')).attachment!;
      const socket = await swept.connect(user);
      acked(await send(socket, conv, 'kept', [fresh.id]));
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(await swept.server.deps.files.sweep.runOnce()).toBe(1);
      expect((await downloadFile(swept.origin, user, orphan.id)).status).toBe(404);
      expect((await downloadFile(swept.origin, friend, fresh.id)).status).toBe(200);
      expect(await send(socket, conv, 'late', [orphan.id])).toMatchObject({ type: 'error', code: 'not_found' });
    } finally {
      await swept.close();
    }
  });
});

describe('another node', () => {
  let other: RunningServer;
  beforeAll(async () => {
    other = await startServer(
      loadConfig({ PORT: '0', DATABASE_URL: h.databaseUrl, SERVE_WEB: 'false', FILES_DIR: filesDir, LOG_LEVEL: 'silent' }),
      { logger: pino({ level: 'silent' }) },
    );
  });
  afterAll(() => other?.close());

  it('serves a file sent through the first node, and stops the moment a removal commits', async () => {
    const origin2 = `http://localhost:${other.port}`;
    const group = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Nodes', memberIds: [bob.user.id] }, { cookie: alice.cookie }))
      .data!.conversationId;
    const a = await h.connect(alice);
    const file = await upload(alice, await png(64, 32));
    acked(await send(a, group, 'two nodes', [file.id]));
    expect((await downloadFile(origin2, bob, file.id)).status).toBe(200);
    await h.trpc('conversations.removeMember', { conversationId: group, userId: bob.user.id }, { cookie: alice.cookie });
    expect((await downloadFile(origin2, bob, file.id)).status).toBe(404);
  });
});

// FAKE S3: s3rver 3.7.1 started by the test (testing/fake-s3.ts); no real S3-compatible server installs here.
describe('STORAGE=s3 against a FAKE S3 (s3rver 3.7.1)', () => {
  it('uploads, serves to a member with the same checks and headers, and sweeps a deleted message’s file', async () => {
    const fake = await startFakeS3();
    const s3 = await startHarness({ env: fake.env });
    try {
      const owner = await s3.signUp('gina');
      const friend = await s3.signUp('hank');
      const conv = (await s3.trpc<{ conversationId: string }>('conversations.openDirect', { userId: friend.user.id }, { cookie: owner.cookie })).data!.conversationId;
      const bytes = await png(200, 100);
      const file = (await uploadFile(s3.origin, owner, bytes, 'remote.png')).attachment!;
      expect(file).toMatchObject({ mime: 'image/png', width: 200, height: 100, thumbnail: { width: 200, height: 100 } });
      const socket = await s3.connect(owner);
      const message = acked(await send(socket, conv, 'via s3', [file.id]));
      const served = await downloadFile(s3.origin, friend, file.id);
      expect(served.status).toBe(200);
      expect(served.bytes.equals(bytes)).toBe(true);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await downloadFile(s3.origin, friend, file.id, '/thumbnail')).status).toBe(200);
      expect((await downloadFile(s3.origin, await s3.signUp('ivan'), file.id)).status).toBe(404);

      await act(socket, { type: 'chat_delete', conversationId: conv, messageId: message.id });
      expect(await s3.server.deps.files.sweep.runOnce()).toBe(1);
      expect(await s3.server.deps.files.store.get(`files/${file.id}`)).toBeNull();
      expect(await s3.server.deps.files.store.get(`thumbs/${file.id}`)).toBeNull();
    } finally {
      await s3.close();
      await fake.stop();
    }
  });
});
