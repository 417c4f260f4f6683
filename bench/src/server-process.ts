import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EngramClient } from '@engram/client';

export const BENCH_KEY = 'egm_bench_key_not_secret';

export interface ServerProcess {
  url: string;
  pid: number;
  /** Peak resident memory (VmHWM) of the server so far, in MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/** Starts the OSS server as its own process, so the load generator does not share its event loop. */
export async function startServer(
  dataDir: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
  main = path.resolve(__dirname, '../../apps/oss-server/dist/main.js'),
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ENGRAM_DATA_DIR: dataDir,
      ENGRAM_API_KEYS: BENCH_KEY,
      ENGRAM_TELEMETRY: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    peakRssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const clients = new Map<string, EngramClient>();

/**
 * One API call through the SDK, as an application would make it. No retries and no
 * Idempotency-Key: the bench measures the server's own work, and an error is a finding.
 */
export function call<T>(url: string, method: string, body?: unknown): Promise<T> {
  const { origin, pathname, search } = new URL(url);
  const client = clients.get(origin) ?? new EngramClient({ url: origin, apiKey: BENCH_KEY, maxRetries: 0 });
  clients.set(origin, client);
  return client.request<T>(method, `${pathname}${search}`, { body, idempotencyKey: false });
}

/** Sends memories through the batch endpoint and waits for every batch to finish. */
export async function ingest(
  url: string,
  memories: object[],
  batchSize = 50,
  inFlight = 4,
): Promise<string[]> {
  const ids: string[] = new Array(memories.length);
  const batches: { start: number; items: object[] }[] = [];
  for (let i = 0; i < memories.length; i += batchSize)
    batches.push({ start: i, items: memories.slice(i, i + batchSize) });
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const { batch_id } = await call<{ batch_id: string }>(`${url}/v1/memory/batch`, 'POST', {
        memories: batch.items,
      });
      for (;;) {
        const status = await call<{
          completed_at: string | null;
          memory_ids: (string | null)[];
          failed: number;
          errors: unknown[];
        }>(`${url}/v1/batch/${batch_id}`, 'GET');
        if (status.completed_at) {
          if (status.failed)
            throw new Error(`batch had failures: ${JSON.stringify(status.errors).slice(0, 300)}`);
          status.memory_ids.forEach((id, j) => {
            ids[batch.start + j] = id!;
          });
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ids;
}
