import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { API_KEY, tempDir, waitFor } from './helpers';

const MAIN = path.resolve(__dirname, '../dist/main.js');

function startProcess(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ENGRAM_DATA_DIR: dataDir,
      ENGRAM_API_KEYS: API_KEY,
      ENGRAM_TELEMETRY: 'off',
      // The model itself (not its fast word table), one thread: the batch takes seconds,
      // so the kill below lands while it runs.
      ENGRAM_EMBEDDER: 'use-lite',
      ENGRAM_EMBEDDER_THREADS: '1',
      ENGRAM_JOB_LEASE_MS: '1500',
      ENGRAM_BATCH_PROCESSING__MAX_BATCH_SIZE: '200',
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
}

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
async function call(url: string, method = 'GET', body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

const ready = (base: string) =>
  waitFor(async () => {
    try {
      return (await fetch(`${base}/ready`)).ok;
    } catch {
      return false;
    }
  }, 30_000);

describe('a crash in the middle of a batch', () => {
  it('resumes after SIGKILL with no item lost and none added twice', async () => {
    const dataDir = tempDir();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const total = 200;
    let proc = startProcess(dataDir, port);
    try {
      await ready(base);
      const memories = Array.from({ length: total }, (_, i) => ({
        content: `crash-safe item ${i}`,
        user_id: 'crash',
      }));
      const { batch_id } = await call(`${base}/v1/memory/batch`, 'POST', { memories });
      const midway = await waitFor(async () => {
        const b = await call(`${base}/v1/batch/${batch_id}`);
        return b.succeeded > 0 && b;
      });
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      expect(midway.succeeded).toBeLessThan(total); // really killed mid-way

      proc = startProcess(dataDir, port);
      await ready(base);
      const done = await waitFor(async () => {
        const b = await call(`${base}/v1/batch/${batch_id}`);
        return b.completed_at && b;
      }, 60_000);
      expect(done).toMatchObject({ status: 'completed', total, succeeded: total, failed: 0 });
      const listed = await call(`${base}/v1/memory?user_id=crash&limit=1000`);
      const contents = listed.data.map((m: { content: string }) => m.content);
      expect(contents).toHaveLength(total);
      expect(new Set(contents).size).toBe(total);
      expect(new Set(done.memory_ids).size).toBe(total);
    } finally {
      proc.kill('SIGKILL');
    }
  }, 120_000);
});
