import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, type RestartableServer, restartable, startServerProcess } from '@engram/core/testing';

/**
 * A real Redis for tests (ours and plugin authors'): REDIS_URL when set, else a redis-server started on a free
 * loopback port with persistence off. `.ci/run` installs Debian's redis-server.
 */
export interface TestRedis extends RestartableServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * `durable`: every write is fsynced to an append-only file (as a production Redis behind
 * BullMQ should be), so a kill -9 loses no queued job; otherwise persistence is off.
 */
export async function startTestRedis(options: { durable?: boolean } = {}): Promise<TestRedis> {
  if (process.env.REDIS_URL) {
    const refuse = async () => {
      throw new Error('cannot stop an external REDIS_URL server');
    };
    return {
      url: process.env.REDIS_URL,
      stop: async () => undefined,
      kill: refuse,
      crash: refuse,
      start: refuse,
    };
  }
  try {
    execFileSync('redis-server', ['--version']);
  } catch {
    throw new Error(
      'redis-server is not installed: run .ci/run (it installs Debian redis-server) or set REDIS_URL',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-redis-'));
  const persistence = options.durable
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const server = await restartable(() =>
    startServerProcess({
      command: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir],
      port,
    }),
  );
  return { url: `redis://127.0.0.1:${port}`, stop: server.kill, ...server };
}
