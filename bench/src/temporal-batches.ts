import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestTemporal } from '@engram/ee/testing';
import type { Turn } from './locomo';
import { round } from './metrics';

const MAIN = path.resolve(__dirname, '../../apps/cloud-server/dist/main.js');
const ADMIN = 'egm_bench_platform_admin_key_not_secret';

/**
 * The cloud's large batches on Temporal: one batch of `size` items (LoCoMo turns) with one
 * worker process and with two, the API server and Temporal's dev server beside them on the
 * same machine. Reports items per second from submission to completion, and the time from
 * submission to the first item being found by search.
 */
export async function temporalBatchBench(turns: Turn[], size = 10_000) {
  const temporal = await startTestTemporal();
  const rows = [];
  try {
    for (const workers of [1, 2]) rows.push(await runOnce(temporal.address, turns, size, workers));
  } finally {
    await temporal.stop();
  }
  return { measured: new Date().toISOString().slice(0, 16), items: size, runs: rows };
}

async function runOnce(address: string, turns: Turn[], size: number, workerCount: number) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'engram-bench-temporal-'));
  const port = 18_600 + workerCount;
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ENGRAM_DATA_DIR: dataDir,
    ENGRAM_ADMIN_KEY: ADMIN,
    ENGRAM_TELEMETRY: 'off',
    TEMPORAL_ADDRESS: address,
    ENGRAM_PLANS__DEFAULT: 'enterprise',
    LOG_LEVEL: 'warn',
  };
  const processes: ChildProcess[] = [spawn(process.execPath, [MAIN], { env, stdio: 'inherit' })];
  const call = async (route: string, method = 'GET', body?: unknown, key = ADMIN) => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    return (await res.json()) as any;
  };
  const until = async <T>(probe: () => Promise<T | null>, everyMs: number): Promise<T> => {
    for (;;) {
      const value = await probe().catch(() => null);
      if (value !== null) return value;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  try {
    await until(async () => ((await fetch(`${base}/ready`)).ok ? true : null), 100);
    const org = await call('/v1/admin/orgs', 'POST', { name: 'bench' });
    const project = await call(`/v1/admin/orgs/${org.id}/projects`, 'POST', { name: 'bench' });
    const key = (
      await call(`/v1/admin/projects/${project.id}/keys`, 'POST', { name: 'k', scopes: ['write'] })
    ).key as string;
    for (let i = 0; i < workerCount; i++) {
      processes.push(spawn(process.execPath, [MAIN, 'worker'], { env, stdio: 'inherit' }));
    }
    const finished = (id: string) =>
      until(async () => {
        const batch = await call(`/v1/batch/${id}`, 'GET', undefined, key);
        return batch.completed_at ? batch : null;
      }, 100);
    // Warm-up: workers bundled their workflow code and polling before the clock starts.
    const warm = Array.from({ length: 101 }, (_, i) => ({ content: `warm-up ${i}`, user_id: 'warm' }));
    await finished((await call('/v1/memory/batch', 'POST', { memories: warm }, key)).batch_id);

    const memories = Array.from({ length: size }, (_, i) => {
      const turn = turns[i % turns.length]!;
      return { content: `${turn.content} (#${i})`, user_id: `user-${i % 100}` };
    });
    const started = performance.now();
    const submitted = await call('/v1/memory/batch', 'POST', { memories }, key);
    const accepted = performance.now();
    const first = memories[0]!;
    const firstId = submitted.memory_ids[0] as string;
    const firstSearchable = await until(async () => {
      const found = await call(
        '/v1/memory/search',
        'POST',
        { query: first.content, user_id: first.user_id, top_k: 5 },
        key,
      );
      return found.results?.some((r: { memory: { id: string } }) => r.memory.id === firstId)
        ? performance.now()
        : null;
    }, 20);
    const done = await finished(submitted.batch_id);
    const seconds = (performance.now() - started) / 1000;
    return {
      workers: workerCount,
      status: done.status,
      succeeded: done.succeeded,
      submit_ms: round(accepted - started, 0),
      first_searchable_ms: round(firstSearchable - started, 0),
      seconds: round(seconds, 1),
      items_per_second: Math.round(done.succeeded / seconds),
    };
  } finally {
    for (const p of processes) {
      p.kill('SIGTERM');
      await new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(null)));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
