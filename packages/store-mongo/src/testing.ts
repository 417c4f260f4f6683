import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, restartable, startServerProcess } from '@engram/core/testing';

const FERRETDB = 'ferretdb-v1.24.2';

/** Where scripts/install-ferretdb.sh puts the binary (FERRETDB_BIN overrides). */
export function ferretDbBinary(): string {
  const bin =
    process.env.FERRETDB_BIN ??
    path.join(process.env.ENGRAM_CACHE ?? path.join(homedir(), '.cache/engram'), 'bin', FERRETDB);
  if (!existsSync(bin)) {
    throw new Error(
      `FerretDB is not installed at ${bin}: run scripts/install-ferretdb.sh (npm test does) or set MONGODB_URL`,
    );
  }
  return bin;
}

export interface TestMongo {
  /** Base URL without a database: give each suite its own database name. */
  url: string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and data (outage tests). */
  restart(): Promise<void>;
  kill(): Promise<void>;
  crash(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A real MongoDB-wire server for tests: MONGODB_URL when set, else FerretDB 1.24 in a temporary
 * directory on a free loopback port, on its SQLite backend or (`backend: 'postgresql'`) on a
 * PostgreSQL server started for it.
 */
export async function startTestMongo(
  options: { backend?: 'sqlite' | 'postgresql' } = {},
): Promise<TestMongo> {
  const external = process.env.MONGODB_URL;
  if (external) {
    const refuse = async () => {
      throw new Error('cannot stop an external MONGODB_URL server');
    };
    return {
      url: external,
      stop: async () => undefined,
      restart: refuse,
      kill: refuse,
      crash: refuse,
      start: refuse,
    };
  }
  const bin = ferretDbBinary();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-ferretdb-'));
  const postgres = options.backend === 'postgresql' ? await startTestPostgres() : null;
  const backend = postgres
    ? ['--handler=postgresql', `--postgresql-url=${postgres.url}`]
    : ['--handler=sqlite', `--sqlite-url=file:${dir}/`];
  const launch = () =>
    startServerProcess({
      command: bin,
      args: [
        `--listen-addr=127.0.0.1:${port}`,
        ...backend,
        '--telemetry=disable',
        '--log-level=error',
        '--debug-addr=-',
        `--state-dir=${dir}`,
      ],
      port,
    });
  const server = await restartable(launch);
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    ...server,
    stop: async () => {
      await server.kill();
      await postgres?.stop();
    },
    restart: async () => {
      await server.kill();
      await server.start();
    },
  };
}

/** Debian's PostgreSQL server binaries (initdb, postgres), newest version first. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions
    .map((v) => path.join(root, v, 'bin'))
    .find((d) => existsSync(path.join(d, 'postgres')));
  if (!dir) throw new Error('PostgreSQL is not installed: apt-get install postgresql (Debian)');
  return dir;
}

/**
 * A throwaway PostgreSQL cluster for FerretDB's PostgreSQL backend: trust authentication on
 * loopback only, its socket in its own directory. PostgreSQL refuses to run as root, so under
 * root it runs as the `postgres` user Debian's package creates.
 */
export async function startTestPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-postgres-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const as = (command: string, args: string[]) =>
    asRoot ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
  const init = as(path.join(bin, 'initdb'), [
    '-D',
    path.join(dir, 'data'),
    '-U',
    'engram',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
  ]);
  execFileSync(init.command, init.args, { stdio: 'ignore' });
  const port = await freePort();
  const run = as(path.join(bin, 'postgres'), [
    '-D',
    path.join(dir, 'data'),
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
  ]);
  const server = await startServerProcess({ command: run.command, args: run.args, port });
  return {
    url: `postgres://engram@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
