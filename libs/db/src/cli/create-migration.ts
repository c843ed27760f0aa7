// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// for the changes in prisma/schema.prisma, offline, with Prisma's WASM schema engine.
// Needs a Postgres for the throwaway shadow database: DATABASE_URL, else the local default.
import { resolve } from 'node:path';
import { createMigration } from '../migrate/create-migration.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name>   (lowercase letters, digits and _)');
  process.exit(2);
}

const root = resolve(import.meta.dirname, '../../../..');
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

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
  process.exit(1);
}
