import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { MigrationError } from './migration-error.ts';
import { defaultMigrationsDir, readMigrationFiles } from './migration-files.ts';

export interface MigrateOptions {
  /** Defaults to the repository's `prisma/migrations`. */
  migrationsDir?: string;
}

export interface MigrateResult {
  /** Names applied by this call, in order; empty when the database was up to date. */
  applied: string[];
}

/**
 * The key the Prisma schema engine itself locks on, so this runner and a stock
 * `prisma migrate deploy` also serialise against each other.
 */
const MIGRATION_LOCK_KEY = 72707369;

/** Shows in pg_stat_activity, so an operator (or a fault test) can tell the migration session apart. */
export const MIGRATE_APPLICATION_NAME = 'parley-migrate';

/** Migrations run at start-up: waiting a little for a Postgres that is still starting is fine. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Same columns and types as the table the Prisma schema engine creates. */
const CREATE_MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending `prisma/migrations/<name>/migration.sql` files in name order, each in its
 * own transaction, recording them in `_prisma_migrations` like Prisma does. Safe to call
 * from several nodes at once: a session advisory lock lets one apply while others wait.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: MIGRATE_APPLICATION_NAME,
  });
  // A connection that dies (Postgres stopped, backend terminated) makes the running query fail,
  // and then emits 'error' too; unheard, that event would be an uncaught exception.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE_SQL);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
      );
      const applied = new Map<string, AppliedRow>();
      for (const row of rows) {
        if (row.rolled_back_at !== null) continue;
        if (row.finished_at === null) {
          throw new MigrationError(
            'failed_migration',
            row.migration_name,
            `Migration ${row.migration_name} failed earlier and was not rolled back; resolve it before migrating`,
          );
        }
        applied.set(row.migration_name, row);
      }
      const done: string[] = [];
      for (const file of files) {
        const row = applied.get(file.name);
        if (row) {
          if (row.checksum !== file.checksum) {
            throw new MigrationError(
              'checksum_mismatch',
              file.name,
              `Migration ${file.name} was edited after it was applied (checksum ${row.checksum} in the database, ${file.checksum} on disk)`,
            );
          }
          continue;
        }
        await applyOne(client, file.name, file.sql, file.checksum);
        done.push(file.name);
      }
      return { applied: done };
    } finally {
      // If this fails the connection is gone, and its session lock with it; the error that
      // brought us here (if any) is the one worth reporting.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyOne(client: pg.Client, name: string, sql: string, checksum: string): Promise<void> {
  try {
    await client.query('BEGIN');
    // No parameters: the simple query protocol accepts a multi-statement script.
    await client.query(sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), checksum, name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError('apply_failed', name, `Migration ${name} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
