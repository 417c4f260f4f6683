import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createOssServer, type OssServer } from '../src/server';

export const API_KEY = 'egm_test_key_0123456789';

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'engram-test-'));
}

export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ENGRAM_DATA_DIR: tempDir(),
    ENGRAM_API_KEYS: API_KEY,
    ENGRAM_TELEMETRY: 'off',
    ENGRAM_EMBEDDER_THREADS: '1',
    ...extra,
  };
}

export function startServer(env: NodeJS.ProcessEnv): Promise<OssServer> {
  return createOssServer(env, { logger: pino({ level: 'silent' }) });
}

/** The built server (dist/main.js) as its own process on 127.0.0.1:`port`, with a fresh data directory. */
export function spawnServer(
  port: number,
  env: NodeJS.ProcessEnv = {},
  stdio: StdioOptions = ['ignore', 'ignore', 'inherit'],
): ChildProcess {
  return spawn(process.execPath, [path.resolve(__dirname, '../dist/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ENGRAM_DATA_DIR: tempDir(),
      ENGRAM_API_KEYS: API_KEY,
      ENGRAM_TELEMETRY: 'off',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio,
  });
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  raw: Buffer;
  url: string;
}

/** An HTTP receiver on 127.0.0.1 that records what it is sent; `status` decides its answers. */
export async function receiver(status: (n: number) => number = () => 204) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, body: raw.toString('utf8'), raw, url: req.url ?? '' });
      res.writeHead(status(received.length)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
