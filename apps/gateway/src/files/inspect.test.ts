import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFile } from './inspect.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-inspect-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A PNG made animated: an acTL chunk (1 frame, loop forever) right after IHDR, as APNG encoders write it. */
function animated(png: Buffer): Buffer {
  const data = Buffer.alloc(8);
  data.writeUInt32BE(1, 0);
  const type = Buffer.from('acTL');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

describe('inspectFile', () => {
  it('takes an animated PNG for a PNG: measured, so shown inline', async () => {
    const path = join(dir, 'anim.png');
    await writeFile(path, animated(await sharp({ create: { width: 6, height: 3, channels: 3, background: 'red' } }).png().toBuffer()));
    expect(await inspectFile(path)).toEqual({ mime: 'image/png', image: { width: 6, height: 3 } });
  });
});
