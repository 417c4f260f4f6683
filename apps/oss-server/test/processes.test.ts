import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startTestRedis } from '@engram/queue-bullmq/testing';
import { API_KEY, spawnServer, waitFor } from './helpers';

/** The server processes the supervisor runs (its children). */
function children(proc: ChildProcess): number[] {
  const file = `/proc/${proc.pid}/task/${proc.pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

// A new connection per request, so the kernel spreads requests over the processes.
// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
async function call(url: string, method = 'GET', body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      connection: 'close',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('ENGRAM_PROCESSES: several server processes on one port and one data file', () => {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `http://127.0.0.1:${port}`;
  let proc: ChildProcess;

  beforeAll(async () => {
    proc = spawnServer(port, { ENGRAM_PROCESSES: '2' }, 'ignore');
    await waitFor(() => children(proc).length === 2, 30_000);
    await waitFor(async () => {
      try {
        return (await fetch(`${base}/ready`)).ok;
      } catch {
        return false;
      }
    }, 30_000);
  }, 60_000);

  afterAll(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });

  it('serves writes and searches from every process, losing and repeating nothing', async () => {
    const single = [];
    for (let i = 0; i < 12; i++) {
      single.push(
        await call(`${base}/v1/memory`, 'POST', { content: `lighthouse keeper note ${i}`, user_id: 'u1' }),
      );
    }
    const { batch_id } = await call(`${base}/v1/memory/batch`, 'POST', {
      memories: Array.from({ length: 30 }, (_, i) => ({ content: `harbour log entry ${i}`, user_id: 'u1' })),
    });
    const done = await waitFor(async () => {
      const batch = await call(`${base}/v1/batch/${batch_id}`);
      return batch.completed_at ? batch : null;
    }, 30_000);
    expect(done.succeeded).toBe(30);

    // Every memory exactly once, whichever process answers.
    for (let attempt = 0; attempt < 4; attempt++) {
      const page = await call(`${base}/v1/memory?user_id=u1&limit=100`);
      expect(page.data).toHaveLength(42);
      expect(new Set(page.data.map((m: { content: string }) => m.content)).size).toBe(42);
    }
    for (const [i, memory] of single.entries()) {
      const found = await call(`${base}/v1/memory/search`, 'POST', {
        query: `lighthouse keeper note ${i}`,
        user_id: 'u1',
      });
      expect(found.results.map((r: { memory: { id: string } }) => r.memory.id)).toContain(memory.id);
    }
  });

  it('replaces a process that dies, and stops them all on SIGTERM', async () => {
    const [victim] = children(proc);
    process.kill(victim!, 'SIGKILL');
    await waitFor(() => {
      const now = children(proc);
      return now.length === 2 && !now.includes(victim!);
    }, 30_000);
    // The other process may itself still be starting (on a slow machine it can take longer than
    // the test before), and the replacement starts a second after the death: the port answers
    // again once either listens.
    const found = await waitFor(async () => {
      try {
        return await call(`${base}/v1/memory/search`, 'POST', { query: 'harbour log', user_id: 'u1' });
      } catch {
        return undefined; // refused while no process listens
      }
    }, 30_000);
    expect(found.results.length).toBeGreaterThan(0);

    const running = children(proc);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of running) expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 60_000);
});

describe('stopping a server whose Redis has gone', () => {
  it('exits on SIGTERM instead of waiting for Redis for ever', async () => {
    const redis = await startTestRedis();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const proc = spawnServer(port, { REDIS_URL: redis.url }, 'ignore');
    try {
      await waitFor(async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/ready`)).ok;
        } catch {
          return false;
        }
      }, 30_000);
      // A batch goes through the queue on Redis.
      await call(`http://127.0.0.1:${port}/v1/memory/batch`, 'POST', {
        memories: [{ content: 'Priya moved to Lisbon', user_id: 'u1' }],
      });
      await redis.kill();
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      const started = performance.now();
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The queue drops its connections after its grace period (5 s), well before the
      // process's own deadline (25 s) would have to end it.
      expect(performance.now() - started).toBeLessThan(15_000);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await redis.stop();
    }
  }, 60_000);
});
