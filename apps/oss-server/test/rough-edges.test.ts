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
