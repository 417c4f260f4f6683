import { existsSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, type RestartableServer, restartable, startServerProcess } from '@engram/core/testing';

/** Temporal's dev server for tests: `address` is host:port of its frontend. */
export interface TestTemporal extends RestartableServer {
  address: string;
  stop(): Promise<void>;
}

/** The `temporal` CLI scripts/install-temporal.sh installed (ENGRAM_TEMPORAL_BIN, else the cache). */
export function temporalBinary(): string {
  if (process.env.ENGRAM_TEMPORAL_BIN) return process.env.ENGRAM_TEMPORAL_BIN;
  const cache = process.env.ENGRAM_CACHE ?? path.join(homedir(), '.cache', 'engram');
  const installed = path.join(cache, 'temporal-1.9.1', 'bin', 'temporal');
  if (existsSync(installed)) return installed;
  throw new Error("Temporal's dev server is not installed: run scripts/install-temporal.sh (.ci/run does)");
}

/**
 * A real Temporal (the dev server: frontend, history, matching and a SQLite file) on free
 * loopback ports. Restartable on the same file, so a test can take it away and bring it back.
 */
export async function startTestTemporal(): Promise<TestTemporal> {
  const binary = temporalBinary();
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-temporal-'));
  const server = await restartable(() =>
    startServerProcess({
      command: binary,
      args: [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--http-port',
        String(httpPort),
        '--metrics-port',
        String(metricsPort),
        '--db-filename',
        path.join(dir, 'temporal.db'),
        '--log-level',
        'error',
      ],
      port,
    }),
  );
  return { address: `127.0.0.1:${port}`, stop: server.kill, ...server };
}
