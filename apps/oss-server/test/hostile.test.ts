import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { EngramPlugin } from '@engram/core';
import pino from 'pino';
import request from 'supertest';
import { createOssServer, type OssServer } from '../src/server';
import { API_KEY, testEnv } from './helpers';

const auth = { Authorization: `Bearer ${API_KEY}` };
/** `{"a":[[[…]]]}` nested `depth` deep, as raw JSON text (no recursion to build or send it). */
const deepJson = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** What a careless client or an attacker sends: every case is a 4xx naming the cause, never a 500. */
describe('hostile and careless input', () => {
  let oss: OssServer;
  let api: ReturnType<typeof request>;
  /** What the server logged at warn and above, one JSON line each. */
  const logged: string[] = [];
  // A plugin whose search hook outlasts the time budget set below.
  const slowSearch: EngramPlugin = {
    name: 'slow-search',
    setup(ctx) {
      ctx.hooks.on('beforeSearch', async (req) => {
        if (req.query === 'slow please') await new Promise((r) => setTimeout(r, 1500));
      });
    },
  };
  beforeAll(async () => {
    oss = await createOssServer(testEnv({ ENGRAM_REQUESTS__TIME_BUDGET_MS: '700' }), {
      logger: pino({ level: 'warn' }, { write: (line: string) => logged.push(line) }),
      extraPlugins: [slowSearch],
    });
    await oss.engram.start();
    api = request(oss.app);
  });
  afterAll(() => oss.close());

  const post = (path: string, raw: string) =>
    api.post(path).set(auth).set('content-type', 'application/json').send(raw);

  it.each([
    ['metadata', '/v1/memory', (d: string) => `{"content":"x","metadata":{"a":${d}}}`, 'metadata.a.0.0'],
    [
      'a search filter',
      '/v1/memory/search',
      (d: string) => `{"query":"x","filters":{"metadata":{"k":${d}}}}`,
      'filters.metadata.k',
    ],
    [
      'a batch item',
      '/v1/memory/batch',
      (d: string) => `{"memories":[{"content":"x","metadata":{"a":${d}}}]}`,
      'memories.0.metadata.a',
    ],
  ])('refuses %s nested 10,000 deep with 400 naming the field', async (_what, path, body, field) => {
    const res = await post(path, body(deepJson(10_000)));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].field.startsWith(field)).toBe(true);
    expect(res.body.errors[0].message).toMatch(/nested deeper than 32/);
  });

  it('accepts nesting within the limit', async () => {
    const res = await post('/v1/memory', `{"content":"nested but fine","metadata":{"a":${deepJson(20)}}}`);
    expect(res.status).toBe(201);
  });

  it('refuses an object inside an `in` list', async () => {
    const res = await api
      .post('/v1/memory/search')
      .set(auth)
      .send({ query: 'x', filters: { metadata: { k: { in: [{ a: 1 }] } } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toMatch(/^filters\.metadata\.k/);
  });

  it.each(['\\u0000a', 'a\\"b', "a'b", 'a\\\\b'])(
    'refuses the metadata key %s in a filter and in a memory',
    async (key) => {
      const filter = await post('/v1/memory/search', `{"query":"x","filters":{"metadata":{"${key}":"v"}}}`);
      expect(filter.status).toBe(400);
      expect(filter.body.errors[0].field).toMatch(/^filters\.metadata/);
      expect((await post('/v1/memory', `{"content":"x","metadata":{"${key}":"v"}}`)).status).toBe(400);
    },
  );

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the metadata key %s by name', async (key) => {
    const res = await post('/v1/memory', `{"content":"x","metadata":{"${key}":{"polluted":true}}}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ field: `metadata.${key}`, message: `"${key}" is a reserved key` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['gzip', 'br', 'deflate'])(
    'answers 400 to a body that does not decode as its Content-Encoding %s, before any key is checked',
    async (encoding) => {
      const res = await api
        .post('/v1/memory')
        .set('content-type', 'application/json')
        .set('content-encoding', encoding)
        .send('{"content":"not compressed at all"}');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_body');
    },
  );

  it('accepts a body that really is gzip, and refuses an unknown encoding with 415', async () => {
    // Over a real socket: the test client would re-encode a Buffer body.
    const server = oss.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const ok = await fetch(`http://127.0.0.1:${port}/v1/memory`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync('{"content":"compressed on purpose"}'),
      });
      expect(ok.status).toBe(201);
    } finally {
      server.close();
    }
    const odd = await api
      .post('/v1/memory')
      .set(auth)
      .set('content-type', 'application/json')
      .set('content-encoding', 'x-zorb')
      .send('{"content":"x"}');
    expect(odd.status).toBe(415);
  });

  it('answers 400 to a path with a malformed %-escape', async () => {
    const res = await api.get('/v1/memory/%ZZ').set(auth);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_path', errors: [{ field: 'path' }] });
  });

  it('answers 405 with Allow to a method a path does not have', async () => {
    const trace = await api.trace('/v1/memory').set(auth);
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('POST, GET, DELETE');
    const patch = await api.patch('/v1/memory/mem_x').set(auth).send({});
    expect(patch.status).toBe(405);
    expect((await api.post('/health')).status).toBe(405);
  });

  it('refuses a cursor it did not hand out', async () => {
    const res = await api.get('/v1/memory?cursor=garbage').set(auth);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('cursor');
  });

  it('stores a 15,000-letter word and searches "qz" x 2000 quickly, staying responsive', async () => {
    const started = performance.now();
    const [added, searched, health] = await Promise.all([
      api
        .post('/v1/memory')
        .set(auth)
        .send({ content: 'e'.repeat(15_000) }),
      api
        .post('/v1/memory/search')
        .set(auth)
        .send({ query: 'qz'.repeat(2000) }),
      api.get('/health'),
    ]);
    expect([added.status, searched.status, health.status]).toEqual([201, 200, 200]);
    // Minutes before sub-word splitting was bounded; seconds is the generous bound here.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('answers 503 time_budget_exceeded with Retry-After when a request overruns its budget', async () => {
    const res = await api.post('/v1/memory/search').set(auth).send({ query: 'slow please' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'time_budget_exceeded', limit_ms: 700 });
    expect(res.headers['retry-after']).toBe('5');
    // The search goes on after the budget answered; when it ends it must not try to answer too.
    await new Promise((r) => setTimeout(r, 1200));
    const messages = logged.map((line) => JSON.parse(line).msg);
    expect(messages).toContain('request overran its time budget');
    expect(messages).not.toContain('unhandled error');
  });

  it('applies no rate limit, quota or metering: the open-source server composes none of them', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => api.get('/v1/memory').set(auth)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(answers.some((r) => r.headers['ratelimit-policy'] || r.headers.ratelimit)).toBe(false);
    expect(oss.engram.config).toMatchObject({
      rate_limiting: { enabled: false },
      subscription_enforcement: { enabled: false },
    });
    expect(oss.settings.providers.some((p) => p.startsWith('ee-'))).toBe(false);
    expect((await api.get('/v1/usage').set(auth)).status).toBe(404);
  });

  it('publishes a cached, public status of every component', async () => {
    const first = await api.get('/v1/status');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=10');
    expect(first.body).toMatchObject({
      status: 'operational',
      components: {
        memory_store: { status: 'operational' },
        vector_index: { status: 'operational' },
        text_index: { status: 'operational' },
        graph: { status: 'operational' },
        query_logs: { status: 'operational' },
        background_jobs: { status: 'operational' },
      },
    });
    expect((await api.get('/v1/status')).body.updated_at).toBe(first.body.updated_at); // cached
    const metrics = (await api.get('/metrics')).text;
    expect(metrics).toMatch(/engram_dependency_up\{component="memory_store"\} 1/);
    expect(metrics).toMatch(/engram_jobs_lag_seconds \d/);
    const doc = (await api.get('/openapi.json')).body;
    expect(doc.paths['/v1/status'].get.security).toEqual([]);
  });

  it('publishes the limits it applies in /openapi.json', async () => {
    const doc = (await api.get('/openapi.json')).body;
    const search = doc.paths['/v1/memory/search'].post;
    expect(search.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SearchRequest',
    });
    expect(doc.components.schemas.SearchRequest.properties.top_k.maximum).toBe(100);
    const neighbors = doc.paths['/v1/graph/neighbors'].get;
    expect(neighbors.parameters.find((p: { name: string }) => p.name === 'depth').schema.minimum).toBe(1);
    expect(Object.keys(neighbors.responses)).toContain('404');
    expect(Object.keys(doc.paths['/v1/memory/{id}'].put.responses)).toContain('409');
    expect(Object.keys(doc.paths['/v1/feedback'].post.responses)).toContain('404');
    // Every reference resolves inside the document (recursive metadata schemas included).
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!]).toBeDefined();
    }
  });
});
