import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import '../testing/provided-context.ts';
import { createMigration } from './create-migration.ts';
import { defaultMigrationsDir, readMigrationFiles } from './migration-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-create-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('creates the next migration offline with the WASM schema engine, and nothing when unchanged', async () => {
  const databaseUrl = inject('parleyAdminDatabaseUrl');
  const migrationsDir = join(dir, 'migrations');
  cpSync(defaultMigrationsDir(), migrationsDir, { recursive: true });
  const schemaPath = resolve(defaultMigrationsDir(), '../schema.prisma');

  const unchanged = await createMigration({ databaseUrl, schemaPath, migrationsDir, name: 'nothing' });
  expect(unchanged).toEqual({ migrationName: null, sql: null });

  const edited = join(dir, 'schema.prisma');
  const schema = readFileSync(schemaPath, 'utf8').replace(
    'passwordHash String   @map("password_hash")',
    'passwordHash String   @map("password_hash")\n  bio          String?',
  );
  writeFileSync(edited, schema);
  const next = await createMigration({ databaseUrl, schemaPath: edited, migrationsDir, name: 'add_bio' });
  expect(next.migrationName).toMatch(/^\d{14}_add_bio$/);
  expect(next.sql).toContain('ALTER TABLE "users" ADD COLUMN     "bio" TEXT;');
  expect(readMigrationFiles(migrationsDir).map((m) => m.name)).toContain(next.migrationName);
}, 120_000);
