import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs a benchmark on a SQLite file, then on PostgreSQL when `pgUrl` is given, each in a
 * database of its own that is removed afterwards.
 */
export async function onEachDatabase(
  name: string,
  pgUrl: string | undefined,
  bench: (label: string, knex: Knex) => Promise<void>,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hermes-${name}-bench-`));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, `${name}.sqlite`) },
    useNullAsDefault: true,
  });
  try {
    await bench('SQLite (file)', sqlite);
  } finally {
    await sqlite.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  if (!pgUrl) {
    process.stdout.write(
      '\nPostgreSQL skipped: pass --pg <url> or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING\n',
    );
    return;
  }
  // A schema of its own, dropped afterwards.
  const schema = `hermes_${name}_bench_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  await admin.raw(`CREATE SCHEMA ${schema}`);
  const pg = knexFactory({
    client: 'pg',
    connection: pgUrl,
    searchPath: [schema],
  });
  try {
    const version = (await admin.raw('SHOW server_version')).rows[0]
      .server_version;
    await bench(`PostgreSQL ${version}`, pg);
  } finally {
    await pg.destroy();
    await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
    await admin.destroy();
  }
}
