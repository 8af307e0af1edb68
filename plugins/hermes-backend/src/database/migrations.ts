import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@hermes-backstage/plugin-hermes-backend',
  'migrations',
);

// Every store brings the schema up to date when it is created; the first one per client does
// the work and the others wait for it, so no store is ever used without its tables.
const migrated = new WeakMap<Knex, Promise<void>>();

/**
 * The plugin's database client with the Hermes tables up to date, unless the deployment
 * manages migrations itself (`backend.database.plugin.hermes.skipMigrations`).
 */
export async function connect(database: DatabaseService): Promise<Knex> {
  const knex = await database.getClient();
  if (database.migrations?.skip) return knex;
  let done = migrated.get(knex);
  if (!done) {
    done = migrateLatest(knex).then(() => {}, explainMigrationFailure);
    migrated.set(knex, done);
    // A failed attempt may be retried by the next store.
    done.catch(() => migrated.delete(knex));
  }
  await done;
  return knex;
}

/**
 * Brings the schema up to date. Replicas starting together on one fresh PostgreSQL database
 * would both create knex's bookkeeping tables and one would fail; an advisory lock, held by a
 * transaction while the migrations run on other connections of the pool, lets one migrate and
 * the others find nothing left to do.
 */
async function migrateLatest(knex: Knex): Promise<void> {
  // The lock's transaction holds one connection while the migrations take another.
  const poolMax = knex.client.config.pool?.max ?? 10;
  if (String(knex.client.config.client) !== 'pg' || poolMax < 2) {
    await knex.migrate.latest({ directory: migrationsDir });
    return;
  }
  await knex.transaction(async tx => {
    await tx.raw(`SELECT pg_advisory_xact_lock(hashtext('hermes_migrations'))`);
    await knex.migrate.latest({ directory: migrationsDir });
  });
}

/** Rolls back every Hermes migration; tests use it to prove each `down` works. */
export async function rollbackAll(knex: Knex): Promise<void> {
  migrated.delete(knex);
  await knex.migrate.rollback({ directory: migrationsDir }, true);
}

// Before the first release the migrations were squashed into one set; a database made by an
// earlier development build names files that no longer exist, and knex's own message does not
// say what to do about it.
function explainMigrationFailure(error: Error): never {
  if (/migration directory is corrupt/i.test(error.message)) {
    throw new Error(
      `${error.message}. This Hermes database was created by a development build from before ` +
        'the migrations were squashed; delete it (for `npm start`, the files under .data/) and start again.',
    );
  }
  throw error;
}
