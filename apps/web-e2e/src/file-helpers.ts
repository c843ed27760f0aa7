import sharp from 'sharp';
import type { Locator, Page } from 'playwright-core';
import type { Person } from './chat-helpers.ts';

// Shared by the browser tests of files (files.test.ts, files-direct.test.ts).

/** A PNG of one colour. */
export const png = (width: number, height: number, background: string): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

/** Noise does not compress: a PNG of about `bytes`, to watch an upload's progress. */
export async function bigPng(bytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3));
  const raw = Buffer.alloc(side * side * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return sharp(raw, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

/** The files of the message being written, as the composer lists them. */
export const draftFiles = (page: Page): Locator => page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');

/** The colour at the centre of an image element as the page decoded it (a same-origin canvas read). */
export const centrePixel = (image: Locator): Promise<number[]> =>
  image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2d canvas in this page');
    ctx.drawImage(img, 0, 0);
    return [...ctx.getImageData(Math.floor(img.naturalWidth / 2), Math.floor(img.naturalHeight / 2), 1, 1).data.slice(0, 3)];
  });

/** Slows this page's uploads (Chromium's own network emulation; -1 lifts it), so progress and cancel can be seen. */
export async function throttleUploads(person: Person, bytesPerSecond: number): Promise<void> {
  const cdp = await person.context.newCDPSession(person.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}
