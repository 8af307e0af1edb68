#!/usr/bin/env node
// Proves that the published packages install into someone else's Backstage, as the README's
// "Add Hermes to your own Backstage app" says: builds and packs every publishable package,
// creates a fresh app with @backstage/create-app, installs the tarballs, starts the backend
// and checks what a user would see. Not part of `npm test`: it takes many minutes and a few
// gigabytes (a whole Backstage app is installed from the npm registry).
//
//   node scripts/verify-install.mjs [--keep] [--dir <work-dir>] [--no-frontend]
//
// --dir reuses a work directory (the created app and its install) between runs; --keep leaves
// the temporary one in place. Prints one line per check and exits 1 when any check failed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode, freePort, log, toolEnv } from './system.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The newest release when this script was written; its template is what users start from.
const CREATE_APP_VERSION = process.env.HERMES_CREATE_APP_VERSION ?? '0.9.2';
const PACKAGES = [
  'plugins/hermes-common',
  'plugins/hermes-node',
  'plugins/hermes-backend',
  'plugins/hermes',
  'plugins/scaffolder-backend-module-hermes',
  'packages/cli',
];
const PRECHECK_ACTION = 'hermes:policy:precheck';

const args = process.argv.slice(2);
const keep = args.includes('--keep') || args.includes('--dir');
const withFrontend = !args.includes('--no-frontend');
const dirArg = args.includes('--dir') ? args[args.indexOf('--dir') + 1] : '';
const work = dirArg
  ? path.resolve(dirArg)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-verify-install-'));
const appDir = path.join(work, 'app');
const tarballDir = path.join(work, 'tarballs');
const logDir = path.join(work, 'logs');

// ---------------------------------------------------------------------------------------
// Environment: the pinned Node 24 and the Yarn shim, as `npm start` and `npm test` use them.

function appEnv() {
  return {
    ...toolEnv(ensureNode()),
    // The app's downloads are kept between runs, outside the temporary directory.
    YARN_GLOBAL_FOLDER: path.join(os.homedir(), '.cache', 'hermes-verify-yarn'),
    YARN_ENABLE_GLOBAL_CACHE: 'true',
    BACKSTAGE_APP_NAME: 'hermes-verify',
    NODE_OPTIONS: '--max-old-space-size=4096',
  };
}

/** Runs a command, its output going to logs/<name>.log; resolves with code and last lines. */
function exec(
  name,
  cmd,
  cmdArgs,
  { cwd = root, env, timeoutMs = 30 * 60_000 },
) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  return new Promise(resolve => {
    const child = spawn(cmd, cmdArgs, {
      cwd,
      env,
      stdio: ['ignore', out, out],
      detached: true,
    });
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    const finish = code => {
      clearTimeout(timer);
      fs.closeSync(out);
      const text = fs.readFileSync(logFile, 'utf8');
      resolve({ code, text, tail: tail(text), logFile });
    };
    child.on('error', error => finish(`${error.message}`));
    child.on('exit', (code, signal) => finish(code ?? signal));
  });
}

function tail(text, lines = 12) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function mustExec(name, cmd, cmdArgs, options) {
  const result = await exec(name, cmd, cmdArgs, options);
  if (result.code !== 0) {
    throw new Error(
      `"${cmd} ${cmdArgs.join(' ')}" exited with ${result.code} (${
        result.logFile
      }):\n${result.tail}`,
    );
  }
  return result;
}

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

// ---------------------------------------------------------------------------------------
// Checks

const results = [];
function report(name, ok, detail) {
  results.push({ name, ok, detail });
  const line = `${ok ? 'ok    ' : 'FAILED'} ${name}${
    detail ? `: ${detail}` : ''
  }`;
  process.stdout.write(`${line}\n`);
}

/** Runs one check; a thrown error is its failure reason. */
async function check(name, fn) {
  try {
    report(name, true, await fn());
    return true;
  } catch (error) {
    report(name, false, error.message);
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// 1. Build and pack

/** Builds and packs every publishable package; returns package name → tarball path. */
async function packAll(env) {
  // The package builds bundle their types from dist-types, which the workspace tsc writes.
  const tsc = await exec('workspace-tsc', 'yarn', ['tsc'], { env });
  report(
    'workspace type-check (feeds the type bundles)',
    tsc.code === 0,
    tsc.code === 0 ? '' : `exit ${tsc.code}:\n${tsc.tail}`,
  );
  fs.mkdirSync(tarballDir, { recursive: true });
  const tarballs = {};
  for (const dir of PACKAGES) {
    const pkgDir = path.join(root, dir);
    const short = path.basename(dir);
    const dist = path.join(pkgDir, 'dist');
    // Leave the checkout as it was: a build in dist would change what bin/hermes loads.
    const hadDist = fs.existsSync(dist);
    try {
      await mustExec(
        `build-${short}`,
        'yarn',
        ['backstage-cli', 'package', 'build'],
        { cwd: pkgDir, env },
      );
      const file = path.join(tarballDir, `${short}.tgz`);
      await mustExec(`pack-${short}`, 'yarn', ['pack', '--out', file], {
        cwd: pkgDir,
        env,
      });
      tarballs[readJson(path.join(pkgDir, 'package.json')).name] = file;
    } finally {
      if (!hadDist) fs.rmSync(dist, { recursive: true, force: true });
    }
  }
  return tarballs;
}

/** Every file a packed manifest points at is in the tarball, and no `workspace:` is left. */
async function checkTarball(name, file, env) {
  const into = `${file.replace(/\.tgz$/, '')}-contents`;
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  await mustExec(
    `untar-${path.basename(into)}`,
    'tar',
    ['-xzf', file, '-C', into],
    { env },
  );
  const pkg = path.join(into, 'package');
  const manifestText = fs.readFileSync(path.join(pkg, 'package.json'), 'utf8');
  const manifest = JSON.parse(manifestText);
  const problems = [];
  if (manifestText.includes('workspace:'))
    problems.push('a "workspace:" range is left');
  if (
    String(manifest.main).startsWith('src/') ||
    String(manifest.types).startsWith('src/')
  ) {
    problems.push(
      `main/types point at sources (${manifest.main}, ${manifest.types})`,
    );
  }
  const pointers = [
    manifest.main,
    manifest.module,
    manifest.types,
    manifest.configSchema,
    ...Object.values(manifest.bin ?? {}),
    ...(JSON.stringify(manifest.exports ?? {})
      .match(/"\.\/[^"]+"/g)
      ?.map(s => s.slice(1, -1)) ?? []),
  ].filter(p => typeof p === 'string' && !p.endsWith('package.json'));
  for (const p of pointers) {
    if (!fs.existsSync(path.join(pkg, p)))
      problems.push(`${p} is not in the package`);
  }
  // Migrations are found at run time next to package.json (resolvePackagePath).
  const sourceMigrations = path.join(
    root,
    'plugins',
    'hermes-backend',
    'migrations',
  );
  if (name === '@hermes-backstage/plugin-hermes-backend') {
    const want = fs
      .readdirSync(sourceMigrations)
      .filter(f => f.endsWith('.js'));
    const have = fs.existsSync(path.join(pkg, 'migrations'))
      ? fs.readdirSync(path.join(pkg, 'migrations'))
      : [];
    const missing = want.filter(f => !have.includes(f));
    if (missing.length)
      problems.push(`migrations missing: ${missing.join(', ')}`);
  }
  if (problems.length) throw new Error(problems.join('; '));
  const size = (fs.statSync(file).size / 1024).toFixed(0);
  return `${manifest.name}@${manifest.version}, ${size} KiB`;
}

// ---------------------------------------------------------------------------------------
// 2. and 3. A fresh app with Hermes installed as the README says

async function createApp(env) {
  if (fs.existsSync(path.join(appDir, 'package.json'))) return 'reused';
  await mustExec(
    'create-app',
    'npx',
    [
      '-y',
      `@backstage/create-app@${CREATE_APP_VERSION}`,
      '--path',
      appDir,
      '--skip-install',
    ],
    { cwd: work, env },
  );
  const appPkg = readJson(path.join(appDir, 'packages', 'app', 'package.json'));
  const frontendSystem = appPkg.dependencies['@backstage/frontend-defaults']
    ? 'new frontend system'
    : 'legacy frontend system';
  return `@backstage/create-app@${CREATE_APP_VERSION}, ${frontendSystem}`;
}

/**
 * What `yarn --cwd packages/backend add ...` and `yarn --cwd packages/app add ...` write,
 * with root `resolutions` pointing every Hermes package (also the ones Hermes packages depend
 * on) at its tarball, as they are not on the registry yet.
 */
function installHermes(tarballs) {
  const rootPkgFile = path.join(appDir, 'package.json');
  const rootPkg = readJson(rootPkgFile);
  rootPkg.resolutions = { ...rootPkg.resolutions };
  for (const [name, file] of Object.entries(tarballs)) {
    rootPkg.resolutions[name] = `file:${path.relative(appDir, file)}`;
  }
  const version = name =>
    `^${
      readJson(
        path.join(
          tarballDir,
          `${path.basename(tarballs[name], '.tgz')}-contents`,
          'package',
          'package.json',
        ),
      ).version
    }`;
  rootPkg.devDependencies['@hermes-backstage/cli'] = version(
    '@hermes-backstage/cli',
  );
  writeJson(rootPkgFile, rootPkg);

  const addTo = (workspace, names) => {
    const file = path.join(appDir, 'packages', workspace, 'package.json');
    const pkg = readJson(file);
    for (const name of names) pkg.dependencies[name] = version(name);
    writeJson(file, pkg);
  };
  addTo('backend', [
    '@hermes-backstage/plugin-hermes-backend',
    '@hermes-backstage/plugin-scaffolder-backend-module-hermes',
  ]);
  addTo('app', ['@hermes-backstage/plugin-hermes']);
  // better-sqlite3 12, which the template asks for, crashes Node 24.21 when a statement is
  // garbage-collected (Statement::~Statement); 13.2 is what this repository runs on.
  const backendPkgFile = path.join(
    appDir,
    'packages',
    'backend',
    'package.json',
  );
  const backendPkg = readJson(backendPkgFile);
  if (/^\^?12\./.test(backendPkg.dependencies['better-sqlite3'] ?? '')) {
    backendPkg.dependencies['better-sqlite3'] = '^13.2.0';
    writeJson(backendPkgFile, backendPkg);
  }

  // The README's two lines, before backend.start().
  const indexFile = path.join(appDir, 'packages', 'backend', 'src', 'index.ts');
  let index = fs.readFileSync(indexFile, 'utf8');
  if (!index.includes('@hermes-backstage/plugin-hermes-backend')) {
    index = index.replace(
      /^backend\.start\(\);/m,
      "backend.add(import('@hermes-backstage/plugin-hermes-backend'));\n" +
        'backend.add(\n' +
        "  import('@hermes-backstage/plugin-scaffolder-backend-module-hermes'),\n" +
        ');\n\nbackend.start();',
    );
    fs.writeFileSync(indexFile, index);
  }
  // The frontend needs nothing more: the template enables discovery (`app.packages: all`).
  const appConfig = fs.readFileSync(
    path.join(appDir, 'app-config.yaml'),
    'utf8',
  );
  if (!/^\s*packages:\s*all\s*$/m.test(appConfig)) {
    throw new Error(
      'the created app does not enable feature discovery (app.packages: all)',
    );
  }

  // Rebuilt tarballs differ from the locked checksums: let Yarn lock them afresh.
  const lockFile = path.join(appDir, 'yarn.lock');
  if (fs.existsSync(lockFile)) {
    const blocks = fs.readFileSync(lockFile, 'utf8').split(/\n\n/);
    fs.writeFileSync(
      lockFile,
      blocks.filter(b => !/^"?@hermes-backstage\//m.test(b)).join('\n\n'),
    );
  }
  return 'backend: plugin + scaffolder module, app: plugin (discovered), root: cli';
}

// ---------------------------------------------------------------------------------------
// 4. Install, build and run

function findHermesChunk() {
  const dir = path.join(appDir, 'packages', 'app', 'dist', 'static');
  if (!fs.existsSync(dir)) throw new Error(`${dir} was not written`);
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.js'));
  const chunk = files.find(f =>
    /pluginId:\s*"hermes"/.test(fs.readFileSync(path.join(dir, f), 'utf8')),
  );
  if (!chunk)
    throw new Error(`no chunk of ${files.length} declares pluginId "hermes"`);
  const text = fs.readFileSync(path.join(dir, chunk), 'utf8');
  const missing = ['"/hermes"', '"Drift"', '"Agent"'].filter(
    s => !text.includes(s),
  );
  if (missing.length) throw new Error(`${chunk} lacks ${missing.join(', ')}`);
  return chunk;
}

function writeConfig(port, token) {
  const file = path.join(appDir, 'app-config.verify.yaml');
  const dbDir = path.join(work, 'db');
  fs.rmSync(dbDir, { recursive: true, force: true });
  fs.mkdirSync(dbDir, { recursive: true });
  fs.writeFileSync(
    file,
    [
      'app:',
      `  baseUrl: http://localhost:${port}`,
      'backend:',
      `  baseUrl: http://localhost:${port}`,
      '  listen:',
      `    port: ${port}`,
      '  cors:',
      `    origin: http://localhost:${port}`,
      '  database:',
      '    client: better-sqlite3',
      '    connection:',
      `      directory: ${JSON.stringify(dbDir)}`,
      '  auth:',
      '    externalAccess:',
      '      - type: static',
      '        options:',
      `          token: ${token}`,
      '          subject: hermes-verify-install',
      'hermes:',
      '  skills:',
      '    directories:',
      `      - ${JSON.stringify(path.join(root, 'skills'))}`,
      '',
    ].join('\n'),
  );
  return { file, dbDir };
}

async function startBackend(env, children, configFile, base) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'backend.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(
    'yarn',
    [
      'start',
      '--config',
      path.join(appDir, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: path.join(appDir, 'packages', 'backend'),
      env,
      stdio: ['ignore', out, out],
      detached: true,
    },
  );
  children.push(child);
  let exited;
  child.on('exit', code => {
    exited = code;
  });
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(
        `backend exited with ${exited} (${logFile}):\n${tail(
          fs.readFileSync(logFile, 'utf8'),
          20,
        )}`,
      );
    }
    try {
      const res = await fetch(`${base}/api/hermes/health`);
      if (res.ok) return { logFile, child };
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(
    `backend did not answer /api/hermes/health within 10 minutes (${logFile})`,
  );
}

async function getJson(url, token) {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Lists the migrations knex recorded in the plugin's own SQLite file, with the app's driver. */
async function recordedMigrations(env, dbDir) {
  // Newer backends name the file after the plugin id, older ones backstage_plugin_<id>.
  const dbFile = ['hermes.sqlite', 'backstage_plugin_hermes.sqlite']
    .map(f => path.join(dbDir, f))
    .find(f => fs.existsSync(f));
  if (!dbFile) throw new Error(`no Hermes database file in ${dbDir}`);
  const script =
    "const D=require('better-sqlite3');const db=new D(process.argv[1],{readonly:true});" +
    "console.log(JSON.stringify(db.prepare('select name from knex_migrations order by id').all().map(r=>r.name)))";
  const result = await mustExec(
    'read-migrations',
    'node',
    ['-e', script, dbFile],
    {
      cwd: path.join(appDir, 'packages', 'backend'),
      env,
    },
  );
  return JSON.parse(result.text.trim().split('\n').pop());
}

// ---------------------------------------------------------------------------------------
// The run

async function runAll(env, children) {
  let tarballs;
  const packed = await check(
    'build and pack the publishable packages',
    async () => {
      tarballs = await packAll(env);
      return Object.keys(tarballs).join(', ');
    },
  );
  if (!packed) return;
  for (const [name, file] of Object.entries(tarballs)) {
    await check(`package contents of ${name}`, () =>
      checkTarball(name, file, env),
    );
  }
  if (!(await check('create a Backstage app', () => createApp(env)))) return;
  if (
    !(await check('add Hermes as the README says', async () =>
      installHermes(tarballs),
    ))
  )
    return;
  const installed = await check('yarn install in the app', async () => {
    // Without the seed lockfile create-app fetches from GitHub, a fresh app mixes its
    // template's versions with the newest plugins and does not start (signals-backend needs a
    // newer backend-defaults). `backstage-cli versions:bump` needs versions.backstage.io;
    // `yarn up` brings every @backstage package to the newest release from the registry.
    await mustExec('app-install', 'yarn', ['up', '@backstage/*'], {
      cwd: appDir,
      env,
      timeoutMs: 60 * 60_000,
    });
    const resolved = path.join(
      appDir,
      'node_modules',
      '@hermes-backstage',
      'plugin-hermes-common',
      'package.json',
    );
    if (!fs.existsSync(resolved))
      throw new Error('plugin-hermes-common was not installed');
    const copies = (
      await exec(
        'app-why-common',
        'yarn',
        ['why', '@hermes-backstage/plugin-hermes-common'],
        { cwd: appDir, env },
      )
    ).text;
    if (
      /@npm:/.test(
        copies
          .match(/@hermes-backstage\/plugin-hermes-common@[^\s]+/g)
          ?.join(' ') ?? '',
      )
    ) {
      throw new Error(
        'plugin-hermes-common came from the registry, not the tarball',
      );
    }
    const defaults = readJson(
      path.join(
        appDir,
        'node_modules',
        '@backstage',
        'backend-defaults',
        'package.json',
      ),
    ).version;
    return `@backstage/* bumped (backend-defaults ${defaults}); every @hermes-backstage package from its tarball`;
  });
  if (!installed) return;

  await check('app type-check (tsc) against the shipped types', async () => {
    await mustExec('app-tsc', 'yarn', ['tsc'], { cwd: appDir, env });
    return 'packages/backend/src/index.ts and the app compile';
  });
  await check(
    'config schema includes hermes (configSchema shipped)',
    async () => {
      const { text } = await mustExec(
        'app-config-schema',
        'yarn',
        ['backstage-cli', 'config:schema', '--format', 'json'],
        { cwd: appDir, env },
      );
      const schema = JSON.parse(text.slice(text.indexOf('{')));
      const props = JSON.stringify(schema.schemas ?? schema);
      if (!props.includes('"hermes"'))
        throw new Error('no "hermes" key in the merged schema');
      return 'hermes.* keys are validated and documented';
    },
  );
  let chunk;
  if (withFrontend) {
    await check(
      'frontend production build bundles the Hermes page and entity tabs',
      async () => {
        await mustExec('app-build', 'yarn', ['workspace', 'app', 'build'], {
          cwd: appDir,
          env,
          timeoutMs: 40 * 60_000,
        });
        chunk = findHermesChunk();
        return `static/${chunk} has pluginId "hermes", /hermes, Drift, Agent`;
      },
    );
  }

  const port = await freePort();
  const base = `http://localhost:${port}`;
  const token = randomBytes(24).toString('hex');
  const { file: configFile, dbDir } = writeConfig(port, token);
  const up = await check('backend starts with the Hermes plugin', async () => {
    await startBackend(env, children, configFile, base);
    return `GET /api/hermes/health answered on ${base}`;
  });
  if (!up) return;
  await check('Hermes migrations ran from the installed package', async () => {
    const shipped = fs.readdirSync(
      path.join(
        appDir,
        'node_modules',
        '@hermes-backstage',
        'plugin-hermes-backend',
        'migrations',
      ),
    );
    const recorded = await recordedMigrations(env, dbDir);
    const missing = shipped.filter(f => !recorded.includes(f));
    if (!recorded.length || missing.length)
      throw new Error(`not recorded: ${missing.join(', ') || 'any'}`);
    return `${recorded.length} migrations in knex_migrations`;
  });
  await check('GET /api/hermes/status with a static token', async () => {
    const status = await getJson(`${base}/api/hermes/status`, token);
    // The skills directory comes from the override: proves hermes.* config is read.
    const names = status.skills?.names ?? [];
    if (!names.includes('policy-precheck')) {
      throw new Error(
        `no skills from hermes.skills.directories: ${JSON.stringify(
          status.skills,
        )}`,
      );
    }
    return `version ${status.version}, ${names.length} skills from the configured directory`;
  });
  await check(
    'GET /api/hermes/status without credentials is refused',
    async () => {
      const res = await fetch(`${base}/api/hermes/status`);
      if (res.status !== 401) throw new Error(`answered ${res.status}`);
      return '401';
    },
  );
  await check(`scaffolder lists ${PRECHECK_ACTION}`, async () => {
    const actions = await getJson(`${base}/api/scaffolder/v2/actions`, token);
    const ids = (Array.isArray(actions) ? actions : actions.actions ?? []).map(
      a => a.id,
    );
    if (!ids.includes(PRECHECK_ACTION))
      throw new Error(`not among ${ids.length} actions`);
    return `one of ${ids.length} actions`;
  });
  await check(
    'installed CLI runs offline and against the backend',
    async () => {
      const offline = await mustExec(
        'cli-skills',
        'yarn',
        ['hermes', 'skills', 'list', '--skills', path.join(root, 'skills')],
        { cwd: appDir, env },
      );
      if (!offline.text.includes('policy-precheck')) {
        throw new Error(
          `skills list printed no policy-precheck:\n${offline.tail}`,
        );
      }
      // Task listing accepts service tokens (the skills routes want a user).
      const { text } = await mustExec(
        'cli-tasks',
        'yarn',
        ['hermes', 'task', 'list', '--portal', base, '--output', 'json'],
        { cwd: appDir, env: { ...env, HERMES_TOKEN: token } },
      );
      JSON.parse(text);
      return 'skills list --skills; task list --portal answered JSON';
    },
  );
  if (chunk) {
    await check('backend serves the app with the Hermes chunk', async () => {
      const res = await fetch(`${base}/static/${chunk}`);
      const text = await res.text();
      if (!res.ok || !/pluginId:\s*"hermes"/.test(text))
        throw new Error(`GET /static/${chunk} answered ${res.status}`);
      return `GET /static/${chunk} 200`;
    });
  }
}

async function main() {
  const env = appEnv();
  const started = Date.now();
  log(`work directory ${work} (logs in ${logDir})`);
  const children = [];
  const cleanup = () => children.forEach(killGroup);
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    await runAll(env, children);
  } finally {
    cleanup();
    if (keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  const failed = results.filter(r => !r.ok).length;
  log(
    `${results.length - failed} checks ok, ${failed} failed in ${Math.round(
      (Date.now() - started) / 1000,
    )}s`,
  );
  return failed ? 1 : 0;
}

main().then(
  code => process.exit(code),
  error => {
    process.stderr.write(`[hermes] ${error.stack}\n`);
    process.exit(1);
  },
);
