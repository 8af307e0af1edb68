import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@hermes-backstage/plugin-hermes-backend',
  'migrations',
);

/** Brings the Hermes tables up to date. */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

/** Rolls back every Hermes migration; used by tests to prove each `down` works. */
export async function rollbackDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ directory: migrationsDir }, true);
}
