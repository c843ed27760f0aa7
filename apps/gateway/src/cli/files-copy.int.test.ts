import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileKey, thumbnailKey } from '../files/blob-store.ts';
import { createLocalBlobStore } from '../files/local-blob-store.ts';
import { createS3BlobStore } from '../files/s3-blob-store.ts';
import { startFakeS3 } from '../testing/fake-s3.ts';

// `npm run files:copy` as someone moving an install runs it: the real entry point in its own
// process, local disk to a FAKE S3 (s3rver, see testing/fake-s3.ts), and bad input refused.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const run = promisify(execFile);

let fake: Awaited<ReturnType<typeof startFakeS3>>;
let scratch: string;
beforeAll(async () => {
  fake = await startFakeS3();
  scratch = await mkdtemp(join(tmpdir(), 'parley-files-copy-cli-'));
});
afterAll(async () => {
  await fake?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function filesCopy(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const child = run(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/gateway/src/cli/files-copy.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.base.json'), ...env },
  });
  try {
    const { stdout, stderr } = await child;
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

describe('npm run files:copy', () => {
  it('copies a local install into the bucket, then finds nothing left to copy', async () => {
    const dir = join(scratch, 'files');
    const local = createLocalBlobStore(dir);
    await local.check();
    const id = randomUUID();
    const put = async (key: string, content: string) => {
      const path = join(scratch, `${randomUUID()}.part`);
      await writeFile(path, content);
      await local.put(key, path, content.length, 'application/octet-stream');
    };
    await put(fileKey(id), 'the original bytes');
    await put(thumbnailKey(id), 'a thumbnail');
    const env = { ...fake.env, FILES_DIR: dir };

    const first = await filesCopy(['--from', 'local', '--to', 's3'], env);
    expect(first.out).toContain('Done: 2 copied (29 bytes), 0 already there');
    expect(first.code).toBe(0);
    const s3 = createS3BlobStore(fake.settings);
    try {
      expect(await text((await s3.get(fileKey(id)))!.body)).toBe('the original bytes');
    } finally {
      s3.close();
    }
    expect((await filesCopy(['--from', 'local', '--to', 's3'], env)).out).toContain('Done: 0 copied (0 bytes), 2 already there');
  });

  it('says clearly what is wrong with its input, and copies nothing', async () => {
    const same = await filesCopy(['--from', 's3', '--to', 's3'], fake.env);
    expect(same).toMatchObject({ code: 2 });
    expect(same.out).toContain('the same store');
    const unknown = await filesCopy(['--from', 'ftp', '--to', 's3'], fake.env);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.out).toContain('--from and --to are each "local" or "s3"');
    const noBucket = await filesCopy(['--from', 'local', '--to', 's3'], { FILES_DIR: join(scratch, 'none') });
    expect(noBucket).toMatchObject({ code: 2 });
    expect(noBucket.out).toContain('STORAGE=s3 needs S3_BUCKET');
  });
});
