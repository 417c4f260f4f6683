import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LIFE_FACTS, LIFE_QUESTIONS } from '@engram/core/testing';
import pino from 'pino';
import request from 'supertest';
import { type CloudServer, createCloudServer } from '../src/server';

describe('trained rerankers over the API', () => {
  let cloud: CloudServer;
  let api: ReturnType<typeof request>;
  let admin: string;
  let reader: string;
  let proKey: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engram-models-'));
    cloud = await createCloudServer(
      { ENGRAM_DATA_DIR: dir, ENGRAM_TELEMETRY: 'off', ENGRAM_EMBEDDER_THREADS: '1' },
      { logger: pino({ level: 'silent' }) },
    );
    api = request(cloud.app);
    const platform = cloud.generatedAdminKey!;
    const projectKeys = async (plan: string) => {
      const org = (await api.post('/v1/admin/orgs').set(as(platform)).send({ name: plan })).body;
      await api.put(`/v1/admin/orgs/${org.id}/plan`).set(as(platform)).send({ plan });
      const project = (
        await api.post(`/v1/admin/orgs/${org.id}/projects`).set(as(platform)).send({ name: 'p' })
      ).body;
      const key = async (scopes: string[]) =>
        (
          await api
            .post(`/v1/admin/projects/${project.id}/keys`)
            .set(as(platform))
            .send({ name: 'k', scopes })
        ).body.key as string;
      return { admin: await key(['admin']), read: await key(['read']) };
    };
    ({ admin, read: reader } = await projectKeys('enterprise'));
    proKey = (await projectKeys('pro')).admin;
    for (const content of LIFE_FACTS) {
      expect((await api.post('/v1/memory').set(as(admin)).send({ content, user_id: 'u' })).status).toBe(201);
    }
  }, 120_000);

  afterAll(() => cloud?.close());

  /** Searches, each with positive feedback on its second result (so the fused order is not the label). */
  async function searchWithFeedback(times: number) {
    for (let i = 0; i < times; i++) {
      const found = await api
        .post('/v1/memory/search')
        .set(as(admin))
        .send({ query: LIFE_QUESTIONS[i % LIFE_QUESTIONS.length], user_id: 'u', top_k: 8 });
      expect(found.status).toBe(200);
      const chosen = found.body.results[1] ?? found.body.results[0];
      await api
        .post('/v1/feedback')
        .set(as(admin))
        .send({ search_id: found.body.search_id, memory_id: chosen.memory.id, signal: 'positive' })
        .expect(201);
    }
  }

  it('trains from feedback, refuses to promote without a margin, promotes, serves and rolls back', async () => {
    const tooFew = await api.post('/v1/models/train').set(as(admin)).send({});
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.detail).toMatch(/at least 20 searches with positive feedback/);

    await searchWithFeedback(40);
    const trained = await api.post('/v1/models/train').set(as(admin)).send({});
    expect(trained.status).toBe(201);
    expect(trained.body).toMatchObject({ version: 1, status: 'candidate', searches_read: 40 });
    expect(trained.body.examples.train + trained.body.examples.held_out).toBe(40);
    expect(trained.body.evaluation.none.recall_at_10).toBeGreaterThan(0);
    expect(trained.body.model.trees.trees.length).toBeGreaterThan(0); // boosted trees, as JSON
    expect(trained.body.model.usefulness).toBeUndefined(); // the per-memory table stays inside

    // A margin no model can reach: refused with what it measured.
    const refused = await api.post('/v1/models/1/promote').set(as(admin)).send({ margin: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/promotion needs/);
    const promoted = await api.post('/v1/models/1/promote').set(as(admin)).send({ force: true });
    expect(promoted.status).toBe(200);
    expect(promoted.body.status).toBe('active');

    // Search is answered through the active model: scores strictly falling, each 0..1.
    const found = await api.post('/v1/memory/search').set(as(admin)).send({ query: 'Ana cat', user_id: 'u' });
    const scores: number[] = found.body.results.map((r: { score: number }) => r.score);
    expect(scores.length).toBeGreaterThan(2);
    scores.slice(1).forEach((s, i) => {
      expect(s).toBeLessThan(scores[i]!);
    });
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);

    await searchWithFeedback(20);
    expect((await api.post('/v1/models/train').set(as(admin)).send({})).body.version).toBe(2);
    expect((await api.post('/v1/models/2/promote').set(as(admin)).send({ force: true })).body.status).toBe(
      'active',
    );
    const listed = (await api.get('/v1/models').set(as(admin))).body;
    expect(listed.active.version).toBe(2);
    expect(listed.data.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'retired'],
    ]);
    // Rolling back reinstates version 1, then nothing (the fused ranking).
    expect((await api.post('/v1/models/rollback').set(as(admin))).body.active.version).toBe(1);
    expect((await api.post('/v1/models/rollback').set(as(admin))).body.active).toBeNull();
    expect((await api.post('/v1/models/rollback').set(as(admin))).status).toBe(409);
    expect((await api.post('/v1/models/9/promote').set(as(admin)).send({})).status).toBe(404);
  });

  it('trains every eligible project on schedule in the model-trainer role', async () => {
    const before = (await api.get('/v1/models').set(as(admin))).body.data.length;
    const role = await cloud.roles['model-trainer']!(cloud.engram, pino({ level: 'silent' }));
    try {
      for (let i = 0; i < 100; i++) {
        if ((await api.get('/v1/models').set(as(admin))).body.data.length > before) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const versions = (await api.get('/v1/models').set(as(admin))).body.data;
      expect(versions.length).toBe(before + 1);
      // Promoted only if it measured better than no model by the margin; otherwise left a candidate.
      const newest = versions[0];
      const better = newest.evaluation.candidate.ndcg_at_10 >= newest.evaluation.none.ndcg_at_10 + 0.005;
      expect(newest.status).toBe(better ? 'active' : 'candidate');
    } finally {
      await role.stop();
    }
  });

  it('keeps training to admins of plans that include it', async () => {
    expect((await api.get('/v1/models').set(as(reader))).status).toBe(403);
    const pro = await api.get('/v1/models').set(as(proKey));
    expect(pro.status).toBe(403);
    expect(pro.body.detail).toMatch(/trained_models is not in the pro plan/);
  });
});
