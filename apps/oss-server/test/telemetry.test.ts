import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { API_KEY, type Received, receiver, startServer, testEnv } from './helpers';

const auth = { Authorization: `Bearer ${API_KEY}` };

type Captured = { event: string; distinct_id: string; properties: Record<string, unknown> };

function events(requests: Received[]): Captured[] {
  return requests.flatMap(({ raw, headers }) => {
    const text = (headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    return JSON.parse(text).batch ?? [];
  });
}

describe('anonymous telemetry', () => {
  it('sends event names, counts and latencies with a random install id, never content, queries, users or keys', async () => {
    const capture = await receiver(() => 200);
    const oss = await startServer(testEnv({ ENGRAM_TELEMETRY: 'on', ENGRAM_POSTHOG_HOST: capture.url }));
    await oss.listen(0);
    const api = request(oss.app);
    await api
      .post('/v1/memory')
      .set(auth)
      .send({ content: 'private diary entry about Zanzibar', user_id: 'user-secret-42' });
    await api.post('/v1/memory/search').set(auth).send({ query: 'Zanzibar trip', user_id: 'user-secret-42' });
    await oss.close(); // flushes telemetry
    await capture.close();
    const sent = events(capture.received);
    expect(sent.map((e) => e.event)).toEqual(
      expect.arrayContaining(['server_started', 'memory_added', 'search_performed']),
    );
    const raw = JSON.stringify(sent);
    for (const secret of ['Zanzibar', 'user-secret-42', API_KEY, 'diary']) expect(raw).not.toContain(secret);
    const ids = new Set(sent.map((e) => e.distinct_id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.find((e) => e.event === 'search_performed')?.properties).toMatchObject({
      latency_ms: expect.any(Number),
      results: 1,
    });
  });

  it('sends nothing with ENGRAM_TELEMETRY=off or DO_NOT_TRACK=1', async () => {
    for (const env of [{ ENGRAM_TELEMETRY: 'off' }, { ENGRAM_TELEMETRY: 'on', DO_NOT_TRACK: '1' }]) {
      const capture = await receiver(() => 200);
      const oss = await startServer(testEnv({ ...env, ENGRAM_POSTHOG_HOST: capture.url }));
      await oss.listen(0);
      await request(oss.app).post('/v1/memory').set(auth).send({ content: 'hello' });
      await oss.close();
      await capture.close();
      expect(capture.received).toEqual([]);
    }
  });

  it('never lets a telemetry failure reach a request', async () => {
    const broken = await receiver(() => 503);
    const oss = await startServer(testEnv({ ENGRAM_TELEMETRY: 'on', ENGRAM_POSTHOG_HOST: broken.url }));
    await oss.listen(0);
    const res = await request(oss.app).post('/v1/memory').set(auth).send({ content: 'still works' });
    expect(res.status).toBe(201);
    await oss.close();
    await broken.close();
    expect(broken.received.length).toBeGreaterThan(0); // it did try, and the failure stayed inside
  });
});
