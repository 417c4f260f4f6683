import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { createOssServer } from '../src/server';
import { API_KEY, receiver, startServer, tempDir, testEnv, waitFor } from './helpers';

const auth = { Authorization: `Bearer ${API_KEY}` };

describe('batches', () => {
  it('accepts a batch with 202, processes it in the background, reports bad items by index', async () => {
    const oss = await startServer(testEnv());
    await oss.engram.start();
    const api = request(oss.app);
    try {
      const res = await api
        .post('/v1/memory/batch')
        .set(auth)
        .send({
          memories: [
            { content: 'first', user_id: 'b' },
            { content: '' },
            { content: 'third', user_id: 'b' },
            { nope: 1 },
          ],
        });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        batch_id: expect.stringMatching(/^batch_/),
        status: 'queued',
        total: 4,
      });
      const done = await waitFor(async () => {
        const b = (await api.get(`/v1/batch/${res.body.batch_id}`).set(auth)).body;
        return b.completed_at ? b : undefined;
      });
      expect(done).toMatchObject({ status: 'partial', total: 4, succeeded: 2, failed: 2 });
      expect(done.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
        [1, 'validation_failed'],
        [3, 'validation_failed'],
      ]);
      expect(done.memory_ids[1]).toBeNull();
      expect((await api.get(`/v1/memory/${done.memory_ids[2]}`).set(auth)).body.content).toBe('third');
    } finally {
      await oss.close();
    }
  });

  it('refuses a batch over the limit as a whole with 413 naming the limit and the cloud edition', async () => {
    const oss = await startServer(testEnv());
    try {
      const memories = Array.from({ length: 51 }, (_, i) => ({ content: `m${i}` }));
      const res = await request(oss.app).post('/v1/memory/batch').set(auth).send({ memories });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'batch_too_large', limit: 50 });
      expect(res.body.detail).toMatch(/10,000/);
      // 50 items (within the count) of about 17,000 bytes: over max_batch_bytes (768,000) as it streams in.
      const big = Array.from({ length: 50 }, () => ({
        content: 'y'.repeat(15_000),
        metadata: { note: 'z'.repeat(2_000) },
      }));
      const bytes = await request(oss.app).post('/v1/memory/batch').set(auth).send({ memories: big });
      expect(bytes.status).toBe(413);
      expect(bytes.body.code).toBe('payload_too_large');
      expect((await request(oss.app).get('/v1/memory').set(auth)).body.data).toEqual([]);
    } finally {
      await oss.close();
    }
  });

  it('resumes an accepted batch after a restart without losing or duplicating an item', async () => {
    const env = testEnv();
    const first = await startServer(env); // background work not started: the process "dies" first
    const res = await request(first.app)
      .post('/v1/memory/batch')
      .set(auth)
      .send({
        memories: Array.from({ length: 20 }, (_, i) => ({ content: `durable item ${i}`, user_id: 'r' })),
      });
    expect(res.status).toBe(202);
    await first.close();

    const second = await startServer(env);
    await second.engram.start();
    try {
      const api = request(second.app);
      const done = await waitFor(async () => {
        const b = (await api.get(`/v1/batch/${res.body.batch_id}`).set(auth)).body;
        return b.completed_at ? b : undefined;
      });
      expect(done).toMatchObject({ status: 'completed', succeeded: 20, failed: 0 });
      const listed = (await api.get('/v1/memory?user_id=r&limit=100').set(auth)).body.data;
      expect(listed).toHaveLength(20);
      expect(new Set(listed.map((m: { content: string }) => m.content)).size).toBe(20);
    } finally {
      await second.close();
    }
  });
});

describe('webhooks', () => {
  it('delivers signed events from the outbox, retries failures, logs deliveries, shows the secret once', async () => {
    const hook = await receiver((n) => (n === 1 ? 500 : 204)); // first attempt fails
    const oss = await startServer(testEnv({ ENGRAM_WEBHOOK_ALLOW_PRIVATE: '1' }));
    await oss.engram.start();
    const api = request(oss.app);
    try {
      const created = await api
        .post('/v1/webhooks')
        .set(auth)
        .send({ url: `${hook.url}/engram`, events: ['memory.created', 'batch.completed'] });
      expect(created.status).toBe(201);
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^whsec_/);
      const listed = (await api.get('/v1/webhooks').set(auth)).body.data;
      expect(listed[0].secret).toBeUndefined();
      expect(JSON.stringify(listed)).not.toContain(secret);

      const memory = (await api.post('/v1/memory').set(auth).send({ content: 'webhook me', user_id: 'w' }))
        .body;
      const delivered = await waitFor(() => hook.received.length >= 2 && hook.received, 20_000);
      const [failed, ok] = delivered;
      expect(ok!.headers['webhook-id']).toBe(failed!.headers['webhook-id']); // same message id on retry
      const payload = new Webhook(secret).verify(ok!.body, ok!.headers as Record<string, string>) as {
        type: string;
        data: { id: string };
      };
      expect(payload).toMatchObject({ type: 'memory.created', data: { id: memory.id } });
      expect(() =>
        new Webhook(secret).verify(`${ok!.body} `, ok!.headers as Record<string, string>),
      ).toThrow();

      const deliveries = await waitFor(async () => {
        const d = (await api.get(`/v1/webhooks/${created.body.id}/deliveries`).set(auth)).body.data;
        return d[0]?.status === 'delivered' && d;
      });
      expect(deliveries[0]).toMatchObject({
        event: 'memory.created',
        status: 'delivered',
        attempts: 2,
        last_status_code: 204,
      });

      expect((await api.post(`/v1/webhooks/${created.body.id}/test`).set(auth)).status).toBe(202);
      await waitFor(() => hook.received.some((r) => JSON.parse(r.body).type === 'webhook.test'));
      expect((await api.delete(`/v1/webhooks/${created.body.id}`).set(auth)).status).toBe(200);
      expect((await api.get(`/v1/webhooks/${created.body.id}`).set(auth)).status).toBe(404);
    } finally {
      await oss.close();
      await hook.close();
    }
  });

  it('refuses targets on private addresses by default and link-local or metadata addresses always', async () => {
    const strict = await startServer(testEnv());
    const lax = await startServer(testEnv({ ENGRAM_WEBHOOK_ALLOW_PRIVATE: '1' }));
    try {
      const sub = (oss: typeof strict, url: string) =>
        request(oss.app)
          .post('/v1/webhooks')
          .set(auth)
          .send({ url, events: ['memory.created'] });
      const expectRefused = async (oss: typeof strict, urls: string[]) => {
        for (const url of urls) {
          const res = await sub(oss, url);
          expect({ url, status: res.status, code: res.body.code }).toEqual({
            url,
            status: 400,
            code: 'unsafe_webhook_target',
          });
        }
      };
      await expectRefused(strict, [
        'http://127.0.0.1:9/x',
        'http://10.0.0.5/x',
        'http://[::1]/x',
        'http://localhost/x',
        'http://192.168.1.1/',
      ]);
      await expectRefused(lax, [
        'http://169.254.169.254/latest/meta-data',
        'http://[fe80::1]/x',
        'http://[::ffff:169.254.169.254]/',
        'http://0.0.0.0/',
      ]);
      expect((await sub(lax, 'ftp://example.com/x')).status).toBe(400);
      expect((await sub(lax, 'http://127.0.0.1:9/x')).status).toBe(201);
      const batch = await request(strict.app)
        .post('/v1/memory/batch')
        .set(auth)
        .send({
          memories: [{ content: 'a' }],
          webhook_url: 'http://169.254.169.254/',
          webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        });
      expect(batch.body.code).toBe('unsafe_webhook_target');
    } finally {
      await strict.close();
      await lax.close();
    }
  });
});

describe('start-up', () => {
  it('generates one API key on first start, stores only its hash, and reuses it after', async () => {
    const dir = tempDir();
    const env = { ENGRAM_DATA_DIR: dir, ENGRAM_TELEMETRY: 'off', ENGRAM_EMBEDDER_THREADS: '1' };
    const first = await startServer(env);
    const key = first.generatedKey!;
    expect(key).toMatch(/^egm_/);
    const stored = readFileSync(path.join(dir, 'api-keys.json'), 'utf8');
    expect(stored).not.toContain(key);
    expect((await request(first.app).get('/v1/memory').set('Authorization', `Bearer ${key}`)).status).toBe(
      200,
    );
    await first.close();
    const second = await startServer(env);
    expect(second.generatedKey).toBeNull();
    expect((await request(second.app).get('/v1/memory').set('X-API-Key', key)).status).toBe(200);
    await second.close();
  });

  it('stops with a message naming the key when configuration is invalid', async () => {
    await expect(
      createOssServer(testEnv({ ENGRAM_BATCH_PROCESSING__MAX_BATCH_SIZE: 'lots' })),
    ).rejects.toThrow(/batch_processing\.max_batch_size/);
    await expect(createOssServer(testEnv({ ENGRAM_BATCH_PROCESSIN__MAX: '1' }))).rejects.toThrow(
      /Unknown configuration key/,
    );
    await expect(createOssServer(testEnv({ ENGRAM_EMBEDDER: 'magic' }))).rejects.toThrow(/ENGRAM_EMBEDDER/);
  });

  it('indexes a new data file with the static table and keeps USE-lite for a file built with it', async () => {
    const fresh = await startServer(testEnv());
    expect(fresh.engram.ports.embedder.modelId).toBe('static-use-lite-512-v1');
    await fresh.close();
    const env = testEnv({ ENGRAM_EMBEDDER: 'use-lite' });
    const built = await startServer(env);
    await built.engram.services.memories.add('t1', { content: 'indexed with the model itself' });
    await built.close();
    const reopened = await startServer({ ...env, ENGRAM_EMBEDDER: '' });
    expect(reopened.engram.ports.embedder.modelId).toBe('use-lite-512');
    await reopened.close();
  });

  it('runs on a transformers.js model from a folder, and names the folder when it is missing', async () => {
    const folder = path.resolve(__dirname, '../../../packages/embed-transformers/test/fixtures/tiny-bert');
    const oss = await startServer(
      testEnv({ ENGRAM_EMBEDDER: 'transformers', ENGRAM_EMBEDDER_MODEL: folder }),
    );
    try {
      expect(oss.engram.ports.embedder.modelId).toBe('transformers:tiny-bert:fp32');
      expect(oss.engram.ports.embedder.dimension).toBe(8);
      const kept = await oss.engram.services.memories.add('t1', {
        content: 'my kitten sleeps on the sofa',
        user_id: 'u',
      });
      await oss.engram.services.memories.add('t1', { content: 'stock prices fell', user_id: 'u' });
      const found = await oss.engram.services.search.search(
        { tenant_id: 't1', subject: 'test', scopes: ['admin'] },
        { query: 'cat', user_id: 'u' },
      );
      expect(found.results[0]?.memory.id).toBe(kept.id);
    } finally {
      await oss.close();
    }
    await expect(
      startServer(
        testEnv({ ENGRAM_EMBEDDER: 'transformers', ENGRAM_EMBEDDER_MODEL: path.join(folder, 'missing') }),
      ),
    ).rejects.toThrow(/cannot load embedding model/);
  });

  it('refuses to open a data file indexed with another embedding model', async () => {
    const env = testEnv();
    const first = await startServer(env);
    await first.close();
    await expect(
      startServer({
        ...env,
        ENGRAM_EMBEDDER: 'openai',
        ENGRAM_EMBEDDER_URL: 'http://127.0.0.1:9',
        ENGRAM_EMBEDDER_DIMENSION: '384',
      }),
    ).rejects.toMatchObject({ code: 'model_mismatch' });
  });
});
