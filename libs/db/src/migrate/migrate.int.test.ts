import { cpSync, mkdtempSync, appendFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.ts';
import { migrate } from './migrate.ts';
import { isMigrationError } from './migration-error.ts';
import { checksumOf, defaultMigrationsDir, readMigrationFiles } from './migration-files.ts';

describe('migrate', () => {
  let db: TestDatabase | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration once, records Prisma-compatible rows, then is a no-op', async () => {
    db = await createTestDatabase({ migrate: false });
    const files = readMigrationFiles(defaultMigrationsDir());
    expect(files.length).toBeGreaterThan(0);

    const first = await migrate(db.databaseUrl);
    expect(first.applied).toEqual(files.map((f) => f.name));
    expect((await migrate(db.databaseUrl)).applied).toEqual([]);

    const client = new pg.Client({ connectionString: db.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
        'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      const initSql = readFileSync(join(defaultMigrationsDir(), files[0]?.name ?? '', 'migration.sql'));
      expect(rows[0]?.checksum).toBe(checksumOf(initSql));
      const tables = await client.query("SELECT to_regclass('public.messages') AS t");
      expect(tables.rows[0]?.t).toBe('messages');
    } finally {
      await client.end();
    }
  });

  it('lets concurrent runners race safely (advisory lock): each migration applied exactly once', async () => {
    db = await createTestDatabase({ migrate: false });
    const url = db.databaseUrl;
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const all = results.flatMap((r) => r.applied);
    expect(all).toEqual(readMigrationFiles(defaultMigrationsDir()).map((f) => f.name));
  });

  it('rejects with a typed error when an applied migration file was edited', async () => {
    db = await createTestDatabase({ migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'parley-migrations-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    await migrate(db.databaseUrl, { migrationsDir: dir });
    const name = readMigrationFiles(dir)[0]?.name ?? '';
    appendFileSync(join(dir, name, 'migration.sql'), '\n-- edited\n');

    const error: unknown = await migrate(db.databaseUrl, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(isMigrationError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'checksum_mismatch', migrationName: name });
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    db = await createTestDatabase({ migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'parley-migrations-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    cpSync(join(dir, readMigrationFiles(dir)[0]?.name ?? ''), join(dir, '99990101000000_broken'), { recursive: true });
    // Re-creating the same tables fails half way: the transaction must leave no trace.
    const error: unknown = await migrate(db.databaseUrl, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'apply_failed', migrationName: '99990101000000_broken' });
    expect((await migrate(db.databaseUrl)).applied).toEqual([]);
  });
});
