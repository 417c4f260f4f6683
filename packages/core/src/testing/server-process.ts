import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** A server a test suite started as a child process on a loopback port. */
export interface TestServer {
  port: number;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  stop(): Promise<void>;
  /** kill -9: no shutdown, as a power cut or the OOM killer would (chaos tests). */
  crash(): Promise<void>;
}

/** A server that tests stop (gracefully or with kill -9) and start again on the same port and data. */
export interface RestartableServer {
  /** Graceful stop. */
  kill(): Promise<void>;
  /** kill -9. */
  crash(): Promise<void>;
  /** Starts it again when it is down; a no-op when it runs. */
  start(): Promise<void>;
}

export async function restartable(launch: () => Promise<TestServer>): Promise<RestartableServer> {
  let server: TestServer | null = await launch();
  const down = (how: 'stop' | 'crash') => async () => {
    await server?.[how]();
    server = null;
  };
  return {
    kill: down('stop'),
    crash: down('crash'),
    start: async () => {
      server ??= await launch();
    },
  };
}

export interface ServerProcessOptions {
  command: string;
  args: string[];
  port: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the port to accept connections (default 60 s: a JVM is slow to start). */
  startTimeoutMs?: number;
  graceMs?: number;
}

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Spawns a server and resolves once its port accepts connections. If the process exits first,
 * or the port never opens, it rejects with the tail of what the process printed, so a failing
 * suite says why its server did not start.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<TestServer> {
  const proc: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      exited = true;
      resolve();
    });
    proc.once('error', (err) => {
      exited = true;
      keep(Buffer.from(String(err)));
      resolve();
    });
  });
  const stop = async () => {
    if (exited) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.graceMs ?? 10_000);
    await exit;
    clearTimeout(timer);
  };
  const crash = async () => {
    if (exited) return;
    proc.kill('SIGKILL');
    await exit;
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) break;
    if (await portOpen(options.port)) return { port: options.port, stop, crash };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `${options.command} did not open port ${options.port}${exited ? ' (it exited)' : ''}:\n${output}`,
  );
}
