import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-redis-'));
  const proc: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
