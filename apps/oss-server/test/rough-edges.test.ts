import request from 'supertest';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, testEnv } from './helpers';

describe('what a new user meets first', () => {
  let engram: OssServer;
  const auth = { Authorization: `Bearer ${API_KEY}` };
  beforeAll(async () => {
    engram = await startServer(testEnv());
  });
  afterAll(() => engram.close());

  it('answers GET / with where the docs and the API are', async () => {
    const res = await request(engram.app).get('/');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Engram', docs: '/docs', openapi: '/openapi.json', api: '/v1' });
    expect((await request(engram.app).post('/')).status).toBe(405);
  });

  it('takes limit as well as top_k in search, and refuses two different sizes', async () => {
    for (const n of [1, 2, 3]) {
      await request(engram.app)
        .post('/v1/memory')
        .set(auth)
        .send({ content: `note ${n} about apples`, user_id: 'rough' });
    }
    const limited = await request(engram.app)
      .post('/v1/memory/search')
      .set(auth)
      .send({ query: 'apples', user_id: 'rough', limit: 2 });
    expect(limited.status).toBe(200);
    expect(limited.body.results).toHaveLength(2);
    const both = await request(engram.app)
      .post('/v1/memory/search')
      .set(auth)
      .send({ query: 'apples', user_id: 'rough', limit: 2, top_k: 3 });
    expect(both.status).toBe(400);
    expect(both.body.errors.map((e: { field: string }) => e.field)).toEqual(['top_k', 'limit']);
  });

  it('labels error responses in /metrics by their full route template', async () => {
    await request(engram.app).get('/v1/memory/mem_missing').set(auth).expect(404);
    const metrics = (await request(engram.app).get('/metrics')).text;
    expect(metrics).toMatch(/engram_http_requests_total\{[^}]*route="\/v1\/memory\/:id"[^}]*status="404"/);
    expect(metrics).not.toMatch(/route="\/memory\/:id"/);
  });

  it('streams a batch however its path is spelled (trailing slash, capitals)', async () => {
    for (const path of ['/v1/memory/batch/', '/v1/Memory/Batch']) {
      const res = await request(engram.app)
        .post(path)
        .set(auth)
        .send({ memories: [{ content: `spelled ${path}`, user_id: 'spelling' }] });
      expect(res.status).toBe(202);
      expect(res.body.total).toBe(1);
    }
  });
});

describe('scores a threshold can use', () => {
  let engram: OssServer;
  const auth = { Authorization: `Bearer ${API_KEY}` };
  beforeAll(async () => {
    engram = await startServer(testEnv());
    const notes = [
      'Mira adopted a grey cat called Pixel',
      'Mira bought food for Pixel the cat',
      'Mira repainted her kitchen yellow',
      'The bus to the airport leaves at six',
      'Mira thinks the new cafe serves weak coffee',
    ];
    for (const content of notes) {
      await request(engram.app).post('/v1/memory').set(auth).send({ content, user_id: 'mira' });
    }
  });
  afterAll(() => engram.close());

  const search = (body: object) =>
    request(engram.app)
      .post('/v1/memory/search')
      .set(auth)
      .send({ user_id: 'mira', ...body });

  it('scores each result 0..1, never higher than the one above, with the fused value beside it', async () => {
    const { body } = await search({ query: 'what is the name of her cat?' });
    expect(body.results.length).toBeGreaterThanOrEqual(3);
    const scores: number[] = body.results.map((r: { score: number }) => r.score);
    for (const [i, s] of scores.entries()) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(1);
      if (i > 0) expect(s).toBeLessThanOrEqual(scores[i - 1]!);
    }
    expect(body.results[0].memory.content).toMatch(/Pixel/);
    for (const r of body.results) expect(r.signals.fused).toBeGreaterThan(0);
    // A memory that matches the question on every signal scores above one that matches on none.
    const bus = body.results.find((r: { memory: { content: string } }) => /bus/.test(r.memory.content));
    if (bus) expect(bus.score).toBeLessThan(body.results[0].score);
  });

  it('drops results below min_score, and refuses one outside 0..1', async () => {
    const all = (await search({ query: 'cat' })).body.results as { score: number }[];
    const threshold = all[1]!.score;
    const kept = (await search({ query: 'cat', min_score: threshold })).body.results as { score: number }[];
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(all.length);
    expect(kept.every((r) => r.score >= threshold)).toBe(true);
    const refused = await search({ query: 'cat', min_score: 1.5 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('min_score');
  });
});
