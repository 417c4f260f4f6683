import { existsSync, mkdtempSync } from 'node:fs';
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
 * A real MongoDB-wire server for tests: MONGODB_URL when set, else FerretDB 1.24 on its SQLite
 * backend in a temporary directory, on a free loopback port.
 */
export async function startTestMongo(): Promise<TestMongo> {
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
  const launch = () =>
    startServerProcess({
      command: bin,
      args: [
        `--listen-addr=127.0.0.1:${port}`,
        '--handler=sqlite',
        `--sqlite-url=file:${dir}/`,
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
    stop: server.kill,
    ...server,
    restart: async () => {
      await server.kill();
      await server.start();
    },
  };
}
