import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertKey, isKey, type BlobStore, type StoredObject } from './blob-store.ts';

/**
 * Files on local disk under `root` (DATA_DIR/files by default): nothing to install. An object
 * is written under a temporary name and renamed into place, so a crash never leaves half a file
 * under a real key.
 */
export function createLocalBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => {
    assertKey(key);
    return join(root, key);
  };
  return {
    async put(key, path) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(path, target);
      } catch (error) {
        // Another filesystem (a temporary directory elsewhere): copy, then swap into place.
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        await copyFile(path, `${target}.part`);
        await rename(`${target}.part`, target);
      }
    },
    async get(key): Promise<StoredObject | null> {
      const path = pathOf(key);
      try {
        const info = await stat(path);
        return { body: createReadStream(path), size: info.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async check() {
      await mkdir(join(root, 'files'), { recursive: true });
      await mkdir(join(root, 'thumbs'), { recursive: true });
    },
    async *list(folder) {
      let names: string[];
      try {
        names = await readdir(join(root, folder));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      // Only real keys: a `.part` left by a copy that crashed is not an object.
      for (const name of names.sort()) {
        const key = `${folder}/${name}`;
        if (!isKey(key)) continue;
        const info = await stat(join(root, key)).catch(() => null);
        if (info?.isFile()) yield { key, size: info.size };
      }
    },
  };
}
