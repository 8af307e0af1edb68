// Run by the unit+integration tier of `npm test` (node --test): the setup steps users hit first.
import assert from 'node:assert/strict';
import net from 'node:net';
import test from 'node:test';
import { runTool, SetupError, startPostgres } from './system.mjs';

test('PostgreSQL starts when PATH lacks /usr/sbin (a root shell from su, CI)', async () => {
  const savedPath = process.env.PATH;
  process.env.PATH = '/usr/bin:/bin';
  let pg;
  try {
    pg = await startPostgres();
  } finally {
    process.env.PATH = savedPath;
  }
  try {
    const { port } = new URL(pg.connection);
    await new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.end();
        resolve();
      });
      socket.on('error', reject);
    });
  } finally {
    pg.stop();
  }
});

test('a failing tool shows what it printed, not "nullnull"', () => {
  assert.throws(
    () =>
      runTool('initdb', '/bin/sh', [
        '-c',
        'echo "initdb: error: directory exists" >&2; exit 1',
      ]),
    error =>
      error instanceof SetupError &&
      error.message ===
        'initdb failed with exit code 1:\ninitdb: error: directory exists',
  );
});

test('a tool that cannot start names the command and the reason', () => {
  assert.throws(
    () => runTool('initdb', '/nonexistent/initdb', []),
    error =>
      error instanceof SetupError &&
      /initdb could not start \(\/nonexistent\/initdb\): .*ENOENT/.test(
        error.message,
      ),
  );
});
