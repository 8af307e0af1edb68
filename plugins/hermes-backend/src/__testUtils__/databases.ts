import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';

/**
 * The databases every store test runs on: SQLite always, and PostgreSQL whenever a server is
 * reachable through `BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING` (the
 * `npm test` command starts one). Test names carry the database id, so the output says which.
 */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ disableDocker: true });
}

/** A test database as the plugin's database service, so stores are made as the plugin makes them. */
export function databaseService(knex: Knex): DatabaseService {
  return { getClient: async () => knex, migrations: { skip: false } };
}

export type { TestDatabaseId };
