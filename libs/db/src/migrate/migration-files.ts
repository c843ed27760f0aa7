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

/** The repository's `prisma/migrations`, found relative to this file (works from src and tsx). */
export function defaultMigrationsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../prisma/migrations');
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
