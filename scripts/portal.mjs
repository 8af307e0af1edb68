#!/usr/bin/env node
// The two entry points of the repository: `npm start` and `npm test`.
//
// Runs on any Node.js >= 18 with no dependencies, because on a fresh Debian machine the only
// tools are the system Node and npm. It brings the pinned Node 24 (Backstage needs 22 or 24)
// from the npm registry, installs the workspace with the committed Yarn release, and then
// starts the portal or runs every test tier. Each step is skipped when already done.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureChromium,
  ensureNode,
  log,
  NODE_VERSION,
  readJson,
  mustRun,
  run,
  SetupError,
  startPostgres,
  toolEnv,
} from './system.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------
// Workspace dependencies

function installStamp() {
  const hash = createHash('sha256').update(NODE_VERSION);
  const files = ['yarn.lock', 'package.json', '.yarnrc.yml'];
  for (const group of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(root, group)).sort()) {
      files.push(path.join(group, name, 'package.json'));
    }
  }
  for (const file of files) {
    const full = path.join(root, file);
    hash.update(file).update(fs.existsSync(full) ? fs.readFileSync(full) : '');
  }
  return hash.digest('hex');
}

function ensureDependencies(env) {
  const stampFile = path.join(root, 'node_modules', '.hermes-install-stamp');
  const stamp = installStamp();
  if (
    !fs.existsSync(stampFile) ||
    fs.readFileSync(stampFile, 'utf8') !== stamp
  ) {
    log(
      'installing workspace dependencies with Yarn (first run takes several minutes)',
    );
    const args = ['install'];
    if (process.env.CI) args.push('--immutable');
    mustRun('yarn', args, { env });
    // The lockfile may have been updated by the install; stamp what is now on disk.
    fs.writeFileSync(stampFile, installStamp());
  }
  // The `hermes` command starts from this build (it compiles sources newer than it itself).
  // JavaScript only: hermes-common is built as a CLI bundle (`--role cli`), which needs no
  // declaration files from the type tier.
  if (!fs.existsSync(path.join(root, 'packages/cli/dist'))) {
    log('building the hermes command line');
    mustRun('yarn', ['build:hermes'], { env });
  }
}

// ---------------------------------------------------------------------------------------
// Commands

async function start(env) {
  const child = spawn('yarn', ['dev'], { stdio: 'inherit', cwd: root, env });
  const forward = signal => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', code => process.exit(code ?? 0));
}

/** Parses the JSON report jest writes, for the summary line. */
function describeJestReport(file) {
  const report = readJson(file);
  if (!report) return { text: 'no report written', dbCounts: {} };
  const dbCounts = {};
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      const db = test.fullName.match(
        /\b(SQLITE_\d+|POSTGRES_\d+|MYSQL_\d+)\b/,
      )?.[1];
      if (db && test.status === 'passed')
        dbCounts[db] = (dbCounts[db] ?? 0) + 1;
    }
  }
  const dbText = Object.entries(dbCounts)
    .map(([db, n]) => `${n} on ${db}`)
    .join(', ');
  return {
    dbCounts,
    text:
      `${report.numPassedTests} passed, ${report.numFailedTests} failed, ` +
      `${report.numPendingTests} skipped in ${report.numTotalTestSuites} suites` +
      (dbText ? `; database tests: ${dbText}` : ''),
  };
}

async function test(env) {
  const only = process.argv.slice(3);
  const tiers = [
    {
      name: 'types',
      async run() {
        return { ok: run('yarn', ['tsc'], { env }) === 0 };
      },
    },
    {
      name: 'lint',
      async run() {
        const eslint = run('yarn', ['lint'], { env });
        const prettier = run('yarn', ['prettier:check'], { env });
        return {
          ok: eslint === 0 && prettier === 0,
          detail: 'eslint and prettier',
        };
      },
    },
    {
      name: 'unit+integration',
      async run() {
        // The setup steps' own tests (plain Node, like the scripts themselves).
        const scripts = run(
          process.execPath,
          ['--test', path.join('scripts', 'system.test.mjs')],
          { env },
        );
        const pg = await startPostgres();
        const reportFile = path.join(
          os.tmpdir(),
          `hermes-jest-${process.pid}.json`,
        );
        try {
          const code = run(
            'yarn',
            [
              'backstage-cli',
              'repo',
              'test',
              '--json',
              `--outputFile=${reportFile}`,
            ],
            {
              env: {
                ...env,
                CI: 'true',
                [`BACKSTAGE_TEST_DATABASE_POSTGRES${pg.version}_CONNECTION_STRING`]:
                  pg.connection,
                HERMES_TEST_POSTGRES_VERSION: pg.version,
              },
            },
          );
          const { text, dbCounts } = describeJestReport(reportFile);
          // The database tier must really have exercised both engines.
          const missing = [`SQLITE_3`, `POSTGRES_${pg.version}`].filter(
            db => !dbCounts[db],
          );
          if (missing.length) {
            return {
              ok: false,
              detail: `${text}; no database test passed on ${missing.join(
                ', ',
              )}`,
            };
          }
          return {
            ok: code === 0 && scripts === 0,
            detail:
              scripts === 0 ? text : `${text}; scripts/system.test.mjs failed`,
          };
        } finally {
          pg.stop();
          fs.rmSync(reportFile, { force: true });
        }
      },
    },
    {
      name: 'e2e',
      async run() {
        const chromium = ensureChromium();
        const code = run('yarn', ['test:e2e'], {
          env: { ...env, HERMES_CHROMIUM: chromium },
        });
        return {
          ok: code === 0,
          detail:
            'screenshots in e2e-test-results/, report in e2e-test-report/',
        };
      },
    },
  ].filter(t => only.length === 0 || only.includes(t.name));

  const results = [];
  for (const tier of tiers) {
    const startedAt = Date.now();
    log(`tier ${tier.name}: running`);
    let result;
    try {
      result = await tier.run();
    } catch (error) {
      result = { ok: false, detail: error.message };
    }
    results.push({
      ...result,
      name: tier.name,
      seconds: (Date.now() - startedAt) / 1000,
    });
  }
  process.stdout.write('\n');
  for (const r of results) {
    log(
      `${r.ok ? 'PASS' : 'FAIL'} ${r.name.padEnd(17)} ${r.seconds
        .toFixed(0)
        .padStart(5)}s` + (r.detail ? `  ${r.detail}` : ''),
    );
  }
  return results.every(r => r.ok) ? 0 : 1;
}

async function main() {
  const command = process.argv[2];
  if (!['setup', 'start', 'test', 'node'].includes(command)) {
    throw new SetupError(
      'usage: node scripts/portal.mjs setup|start|test [tier...]|node <args...>',
    );
  }
  const nodeDir = ensureNode();
  const env = toolEnv(nodeDir);
  ensureDependencies(env);
  if (command === 'setup') return undefined;
  if (command === 'start') return start(env);
  // Node 24 with the workspace's environment, for `npm run bench:*` on a machine whose own
  // Node is older (the native modules are built for 24).
  if (command === 'node') {
    process.exitCode = run(
      path.join(nodeDir, 'bin', 'node'),
      process.argv.slice(3),
      {
        env,
        cwd: process.cwd(),
      },
    );
    return undefined;
  }
  process.exitCode = await test(env);
}

main().catch(error => {
  process.stderr.write(
    `[hermes] ${error instanceof SetupError ? error.message : error.stack}\n`,
  );
  process.exit(1);
});
