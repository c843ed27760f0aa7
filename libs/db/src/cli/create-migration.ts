// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// for the changes in prisma/schema.prisma, offline, with Prisma's WASM schema engine.
// It needs a Postgres only for a throwaway shadow database: DATABASE_URL's server if set,
// else an embedded Postgres started in a temp dir for the duration of the command.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres.ts';
import { createMigration } from '../migrate/create-migration.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name>   (lowercase letters, digits and _)');
  process.exit(2);
}

const root = resolve(import.meta.dirname, '../../../..');
let databaseUrl = process.env['DATABASE_URL'];
let cleanup = async (): Promise<void> => undefined;
if (!databaseUrl) {
  const dir = await mkdtemp(join(tmpdir(), 'parley-migration-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: dir });
  databaseUrl = server.adminUrl;
  cleanup = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

try {
  const result = await createMigration({
    databaseUrl,
    schemaPath: resolve(root, 'prisma/schema.prisma'),
    migrationsDir: resolve(root, 'prisma/migrations'),
    name,
  });
  console.log(result.migrationName ? `Created prisma/migrations/${result.migrationName}/migration.sql` : 'No schema changes.');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
