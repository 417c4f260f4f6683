import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startServerProcess } from '@engram/core/testing';

/**
 * A real Redis for tests (ours and plugin authors'): REDIS_URL when set, else a redis-server started on a free
 * loopback port with persistence off. `.ci/run` installs Debian's redis-server.
 */
export async function startTestRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => undefined };
  try {
    execFileSync('redis-server', ['--version']);
  } catch {
    throw new Error(
      'redis-server is not installed: run .ci/run (it installs Debian redis-server) or set REDIS_URL',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-redis-'));
  const server = await startServerProcess({
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    port,
  });
  return { url: `redis://127.0.0.1:${port}`, stop: server.stop };
}
