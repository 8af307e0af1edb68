import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases every store test runs on: SQLite always, and PostgreSQL whenever a server is
 * reachable through `BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING` (the
 * `npm test` command starts one). Test names carry the database id, so the output says which.
 */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ disableDocker: true });
}

export type { TestDatabaseId };
