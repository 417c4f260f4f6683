import { startTestRedis } from '@engram/queue-bullmq/testing';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import { startTestNeo4j, type TestNeo4j } from '@engram/store-neo4j/testing';
import request from 'supertest';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, testEnv, waitFor } from './helpers';

const auth = { Authorization: `Bearer ${API_KEY}` };

/**
 * One memory, several stores: a server that stops part-way through writes must not lose an
 * accepted memory, show one that was refused, or leave an index behind for longer than the
 * repair job's retries take. The servers are really stopped and started again.
 */
describe('a backend stops in the middle of writes', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let mongo: TestMongo;
  let neo4j: TestNeo4j;
  let oss: OssServer;
  let api: ReturnType<typeof request>;

  beforeAll(async () => {
    [redis, mongo, neo4j] = await Promise.all([startTestRedis(), startTestMongo(), startTestNeo4j()]);
    oss = await startServer(
      testEnv({
        REDIS_URL: redis.url,
        MONGODB_URL: `${mongo.url.replace(/\/$/, '')}/engram_outage`,
        NEO4J_URL: neo4j.url,
      }),
    );
    await oss.engram.start();
    api = request(oss.app);
  }, 150_000);
  afterAll(async () => {
    await oss?.close();
    await Promise.all([redis?.stop(), mongo?.stop(), neo4j?.stop()]);
  }, 60_000);

  const add = (content: string) => api.post('/v1/memory').set(auth).send({ content, user_id: 'priya' });
  const entitiesOf = async (id: string) =>
    (await api.get(`/v1/graph/neighbors?id=${id}`).set(auth)).body.nodes?.filter((n: string) =>
      n.startsWith('ent_'),
    ) ?? [];

  it('keeps memories accepted while Neo4j is down and repairs their graph entries when it is back', async () => {
    const before = await add('Priya moved to Lisbon with Tom');
    expect(before.status).toBe(201);
    expect(await entitiesOf(before.body.id)).not.toHaveLength(0);

    await neo4j.kill();
    const during = await add('Priya met Tom at the Lisbon aquarium');
    expect(during.status).toBe(201); // the source of truth took it; the graph write is queued
    const search = await api
      .post('/v1/memory/search')
      .set(auth)
      .send({ query: 'aquarium', user_id: 'priya' });
    expect(search.status).toBe(200); // answered from vectors and text, saying what it left out
    expect(search.body.degraded).toEqual(['graph']);
    expect(search.body.results.map((r: { memory: { id: string } }) => r.memory.id)).toContain(during.body.id);

    await neo4j.start();
    await waitFor(async () => (await entitiesOf(during.body.id)).length > 0, 120_000);
    expect(await entitiesOf(before.body.id)).not.toHaveLength(0); // nothing lost from before
    expect((await api.get('/v1/jobs/dead').set(auth)).body.data).toEqual([]);
  }, 240_000);

  it('refuses writes while MongoDB is down and keeps exactly the accepted ones', async () => {
    const kept = await add('Priya booked a flight to Porto');
    expect(kept.status).toBe(201);
    await mongo.kill();
    const refused = await add('Priya cancelled the flight to Porto');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('dependency_unavailable');
    expect(refused.headers['retry-after']).toBe('5');
    await mongo.start();
    await waitFor(async () => (await api.get('/v1/memory?user_id=priya').set(auth)).status === 200, 60_000);
    const all = (await api.get('/v1/memory?user_id=priya&limit=100').set(auth)).body.data.map(
      (m: { content: string }) => m.content,
    );
    expect(all.filter((c: string) => c.includes('Porto'))).toEqual(['Priya booked a flight to Porto']);
    expect(all).toHaveLength(3);
  }, 240_000);
});
