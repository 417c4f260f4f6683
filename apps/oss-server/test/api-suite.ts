import { parseServerTiming } from '@engram/core';
import request from 'supertest';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, testEnv } from './helpers';

const auth = { Authorization: `Bearer ${API_KEY}` };

/**
 * The v1 API end to end, over one composition of backends. Run on the embedded default
 * (api.test.ts) and on the production set that runs here (api-redis.test.ts).
 */
export function describeApi(
  name: string,
  backends: { env(): Promise<NodeJS.ProcessEnv>; stop(): Promise<void> },
) {
  describe(`OSS server v1 API: ${name}`, () => {
    let oss: OssServer;
    let api: ReturnType<typeof request>;
    beforeAll(async () => {
      oss = await startServer(testEnv(await backends.env()));
      await oss.engram.start();
      api = request(oss.app);
    });
    afterAll(async () => {
      await oss.close();
      await backends.stop();
    });

    const add = (body: object) => api.post('/v1/memory').set(auth).send(body);

    it('refuses requests without a valid key, accepts both header forms, keeps health public', async () => {
      expect((await api.get('/health')).body).toMatchObject({ status: 'ok' });
      expect((await api.get('/ready')).body).toEqual({ status: 'ready' });
      const none = await api.get('/v1/memory');
      expect(none.status).toBe(401);
      expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(none.body).toMatchObject({ status: 401, code: 'unauthorized' });
      expect((await api.get('/v1/memory').set('Authorization', 'Bearer wrong')).status).toBe(401);
      expect((await api.get('/v1/memory').set('X-API-Key', API_KEY)).status).toBe(200);
      expect((await api.get('/v1/memory').set(auth)).status).toBe(200);
    });

    it('tags every response with a request id and security headers', async () => {
      const res = await api.get('/v1/memory/mem_missing').set(auth);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
      const traced = await api.get('/health').set('X-Request-Id', 'trace-123');
      expect(traced.headers['x-request-id']).toBe('trace-123');
      const forged = await api.get('/health').set('X-Request-Id', 'bad id with spaces');
      expect(forged.headers['x-request-id']).not.toBe('bad id with spaces');
    });

    it('adds, reads, updates with history, lists by cursor, deletes and forgets over HTTP', async () => {
      const created = await add({
        content: 'Gina opened an online clothing store',
        user_id: 'gina',
        metadata: { topic: 'work' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        content: 'Gina opened an online clothing store',
        user_id: 'gina',
        version: 1,
      });
      const id = created.body.id as string;
      expect((await api.get(`/v1/memory/${id}`).set(auth)).body).toEqual(created.body);
      const updated = await api
        .put(`/v1/memory/${id}`)
        .set(auth)
        .send({ content: 'Gina closed her online clothing store' });
      expect(updated.body).toMatchObject({ version: 2, content: 'Gina closed her online clothing store' });
      const history = await api.get(`/v1/memory/${id}/history`).set(auth);
      expect(history.body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      for (let i = 0; i < 4; i++) await add({ content: `Gina note ${i}`, user_id: 'gina' });
      const page1 = await api.get('/v1/memory?user_id=gina&limit=3').set(auth);
      expect(page1.body.data).toHaveLength(3);
      const page2 = await api
        .get(`/v1/memory?user_id=gina&limit=3&cursor=${page1.body.next_cursor}`)
        .set(auth);
      expect(page2.body.data).toHaveLength(2);
      expect(page2.body.next_cursor).toBeNull();
      expect((await api.delete(`/v1/memory/${id}`).set(auth)).body).toEqual({ id, deleted: true });
      expect((await api.get(`/v1/memory/${id}`).set(auth)).status).toBe(404);
      const noUser = await api.delete('/v1/memory').set(auth);
      expect(noUser.status).toBe(400);
      expect(noUser.body.errors[0].field).toBe('user_id');
      expect((await api.delete('/v1/memory?user_id=gina').set(auth)).body).toEqual({ deleted: 4 });
      expect((await api.get('/v1/memory?user_id=gina').set(auth)).body.data).toEqual([]);
    });

    it('answers bad input with problem+json: status, stable code, field, reason', async () => {
      const cases: [request.Test, number, string, string?][] = [
        [add({ content: '' }), 400, 'validation_failed', 'content'],
        [add({ content: 42 }), 400, 'validation_failed', 'content'],
        [add({ content: 'x', metadata: 'nope' }), 400, 'validation_failed', 'metadata'],
        [add({ content: 'x', unknown_field: 1 }), 400, 'validation_failed', 'unknown_field'],
        [add({ content: 'é'.repeat(7501) }), 413, 'content_too_large', 'content'],
        [
          api.post('/v1/memory').set(auth).set('content-type', 'application/json').send('{"content": '),
          400,
          'invalid_json',
        ],
        [
          api.post('/v1/memory').set(auth).set('content-type', 'text/plain').send('hello'),
          415,
          'unsupported_media_type',
        ],
        [add({ content: 'x'.repeat(300_000) }), 413, 'payload_too_large'],
        [api.get('/v1/memory/mem_doesnotexist').set(auth), 404, 'not_found'],
        [api.get('/v1/memory?limit=0').set(auth), 400, 'validation_failed', 'query.limit'],
        [
          api.post('/v1/memory/search').set(auth).send({ query: 'x', top_k: 'ten' }),
          400,
          'validation_failed',
          'top_k',
        ],
        [
          api.post('/v1/memory/search').set(auth).send({ query: 'x', top_k: 101 }),
          400,
          'validation_failed',
          'top_k',
        ],
        [api.get('/v1/nothing-here').set(auth), 404, 'not_found'],
      ];
      for (const [req, status, code, field] of cases) {
        const res = await req;
        expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.detail).toEqual(expect.any(String));
        if (field) expect(res.body.errors[0].field).toBe(field);
      }
      expect(
        (await api.get('/v1/memory').set(auth)).body.data.every(
          (m: { content: string }) => m.content.length < 300,
        ),
      ).toBe(true);
    });

    it('searches, logs the query and each retrieval, exports logs as NDJSON, and takes feedback', async () => {
      await add({ content: 'Maria volunteers at the homeless shelter on weekends', user_id: 'maria' });
      await add({ content: 'Maria is learning to play the violin', user_id: 'maria' });
      const res = await api
        .post('/v1/memory/search')
        .set(auth)
        .send({ query: 'Where does Maria volunteer?', user_id: 'maria', top_k: 2 });
      expect(res.status).toBe(200);
      expect(res.body.search_id).toMatch(/^srch_/);
      expect(res.body.results[0].memory.content).toMatch(/shelter/);
      expect(res.body.results[0]).toMatchObject({
        score: expect.any(Number),
        signals: { vector: expect.any(Number) },
      });
      // Where the time went, phase by phase, each phase once.
      const header = String(res.headers['server-timing']);
      const timing = parseServerTiming(header);
      expect(Object.keys(timing)).toEqual(
        expect.arrayContaining(['text', 'embed', 'vector', 'graph', 'context', 'fetch', 'rank', 'log']),
      );
      for (const ms of Object.values(timing)) expect(ms).toBeGreaterThanOrEqual(0);
      expect(header.split(',')).toHaveLength(Object.keys(timing).length);
      const queries = await api.get('/v1/logs/queries?user_id=maria').set(auth);
      expect(queries.body.data[0]).toMatchObject({
        id: res.body.search_id,
        query: 'Where does Maria volunteer?',
        result_count: 2,
      });
      const ndjson = await api
        .get(`/v1/logs/retrievals?search_id=${res.body.search_id}`)
        .set(auth)
        .set('Accept', 'application/x-ndjson');
      expect(ndjson.headers['content-type']).toMatch(/application\/x-ndjson/);
      const rows = ndjson.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((r) => r.rank).sort()).toEqual([1, 2]);
      expect(rows.find((r) => r.rank === 1).memory_id).toBe(res.body.results[0].memory.id);
      const fb = await api
        .post('/v1/feedback')
        .set(auth)
        .send({ search_id: res.body.search_id, memory_id: rows[0].memory_id, signal: 'positive' });
      expect(fb.status).toBe(201);
      expect(
        (await api.post('/v1/feedback').set(auth).send({ search_id: 'srch_unknown', signal: 'negative' }))
          .status,
      ).toBe(404);
    });

    it('relates memories and walks the graph', async () => {
      const a = (await add({ content: 'Dave restored a 1967 Mustang', user_id: 'dave' })).body;
      const b = (
        await add({
          content: 'The Mustang won a prize at the car show',
          user_id: 'dave',
          relations: [{ to: a.id, type: 'FOLLOWS' }],
        })
      ).body;
      const c = (await add({ content: 'It was sold to a collector afterwards', user_id: 'dave' })).body;
      const rel = await api
        .post('/v1/relations')
        .set(auth)
        .send({ source_id: c.id, target_id: b.id, type: 'FOLLOWS' });
      expect(rel.status).toBe(201);
      const hood = await api.get(`/v1/graph/neighbors?id=${b.id}&depth=1`).set(auth);
      expect(hood.body.nodes).toEqual(expect.arrayContaining([a.id, c.id]));
      const path = await api.get(`/v1/graph/paths?from=${a.id}&to=${c.id}`).set(auth);
      expect(path.body.relations.map((r: { type: string }) => r.type)).toEqual(['FOLLOWS', 'FOLLOWS']);
      const entities = await api.get('/v1/graph/entities?user_id=dave').set(auth);
      expect(entities.body.data.map((e: { name: string }) => e.name)).toEqual(
        expect.arrayContaining(['Dave', 'Mustang']),
      );
      expect((await api.get('/v1/graph/neighbors?id=mem_nope').set(auth)).status).toBe(404);
      expect((await api.get(`/v1/graph/neighbors?id=${a.id}&depth=9`).set(auth)).status).toBe(400);
    });

    it("follows a name across the tenant only in the graphs of its best hits' users", async () => {
      for (const content of [
        'Oriane painted the harbour at dawn',
        'Oriane paints every dawn by the sea',
        'At dawn Oriane mixes her paint',
      ])
        await add({ content, user_id: 'ines' });
      const gallery = (await add({ content: 'Oriane is opening a gallery next spring', user_id: 'ines' }))
        .body;
      // Another user's Oriane, another person, who shares nothing with the question but the name.
      const other = (await add({ content: 'Oriane fixed my bicycle chain', user_id: 'jules' })).body;
      const search = (scope: object) =>
        api
          .post('/v1/memory/search')
          .set(auth)
          .send({ query: 'What did Oriane paint at dawn?', top_k: 10, ...scope });
      const signalsOf = (
        res: { body: { results: { memory: { id: string }; signals: object }[] } },
        id: string,
      ) => res.body.results.find((r) => r.memory.id === id)?.signals;
      const wide = await search({});
      expect(wide.status).toBe(200);
      expect(signalsOf(wide, gallery.id)).toMatchObject({ graph: expect.any(Number) });
      // Found by its words, not through the name.
      expect(signalsOf(wide, other.id)).toMatchObject({ text: expect.any(Number), graph: null });
      // Inside jules's own memories, his Oriane is followed.
      const own = await search({ user_id: 'jules' });
      expect(signalsOf(own, other.id)).toMatchObject({ graph: expect.any(Number) });
    });

    it('lists dead letters, refuses to retry an unknown one, and reconciles the indexes', async () => {
      const dead = await api.get('/v1/jobs/dead?limit=5').set(auth);
      expect(dead.status).toBe(200);
      expect(dead.body).toEqual({ data: [], next_cursor: null });
      const retry = await api.post('/v1/jobs/dead/job_missing/retry').set(auth);
      expect(retry.status).toBe(404);
      expect(retry.body).toMatchObject({ code: 'not_found' });
      const stored = await add({ content: 'Reconcile keeps Oslo in every index', user_id: 'ops' });
      const full = await api.post('/v1/index/reconcile?full=true').set(auth);
      expect(full.status).toBe(200);
      expect(full.body.checked).toBeGreaterThanOrEqual(1);
      expect(full.body.repaired).toBe(full.body.checked);
      const quick = await api.post('/v1/index/reconcile').set(auth);
      expect(quick.body).toMatchObject({ repaired: 0 });
      const found = await api.post('/v1/memory/search').set(auth).send({ query: 'Oslo', user_id: 'ops' });
      expect(found.body.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([
        stored.body.id,
      ]);
      expect((await api.post('/v1/index/reconcile?full=maybe').set(auth)).body).toMatchObject({
        code: 'validation_failed',
      });
    });

    it('publishes OpenAPI 3.1, an API reference page and Prometheus metrics', async () => {
      const doc = (await api.get('/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/v1/memory', '/v1/memory/{id}', '/v1/memory/search', '/v1/memory/batch']),
      );
      // One memory (content) or a conversation (messages), which the server checks: one of them.
      expect(Object.keys(doc.components.schemas.AddMemoryRequest.properties)).toEqual(
        expect.arrayContaining(['content', 'messages', 'infer', 'supersedes', 'dedupe']),
      );
      expect((await api.get('/docs')).text).toMatch(/Engram API reference/);
      const metrics = await api.get('/metrics');
      expect(metrics.text).toMatch(
        /engram_http_requests_total\{method="POST",route="\/v1\/memory",status="201",tier="none"\} \d+/,
      );
      expect(metrics.text).toMatch(/engram_memories_added_total \d+/);
    });
  });
}
