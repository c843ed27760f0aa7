// `npm run db:migrate`: applies pending migrations to DATABASE_URL. An entry point, so it
// (and only it) reads process.env.
import { migrate } from '../migrate/migrate.ts';

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) {
  console.error('DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/parley)');
  process.exit(2);
}

try {
  const { applied } = await migrate(databaseUrl);
  console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
