export { createTestDatabase, type TestDatabase } from './test-database.ts';
export { createTestUser, testClientId } from './fixtures.ts';
