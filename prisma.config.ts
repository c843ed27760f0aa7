// Prisma 7 reads the connection from here, not from the schema. Only the stock CLI uses
// this file (e.g. `prisma migrate deploy` on a machine with internet); Parley's own migrate
// runner (libs/db) and `prisma generate` do not need a URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/parley' },
});
