import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFileEntry {
  /** Directory name, e.g. `20250101000000_init`; also the `migration_name` column. */
  name: string;
  sql: string;
  /** SHA-256 hex of the file bytes: the value the stock Prisma CLI records. */
  checksum: string;
}

/**
 * The migrations shipped with this code: the repository's `prisma/migrations` when running
 * from source (tsx), or the `migrations` folder the production build copies next to its bundle
 * (`dist/apps/gateway`). Throws when neither is there: starting on an unmigrated schema would
 * fail later and less clearly.
 */
export function defaultMigrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, 'migrations'), resolve(here, '../../../../prisma/migrations')];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`No migrations found (looked in ${candidates.join(' and ')})`);
  return found;
}

export function checksumOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every `<name>/migration.sql` under `dir`, sorted by name (the timestamp prefix orders them). */
export function readMigrationFiles(dir: string): MigrationFileEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    });
}
