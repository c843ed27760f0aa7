export { createTestDatabase, type TestDatabase } from './test-database.ts';
export { createTestUser, testClientId } from './fixtures.ts';
export {
  startPostgresCluster,
  type PostgresCluster,
  type PostgresClusterOptions,
  type StopMode,
} from './postgres-cluster.ts';
export { watchProcessFaults, type ProcessFaults } from './process-faults.ts';
export { waitFor } from './wait-for.ts';
