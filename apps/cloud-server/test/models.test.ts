import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RankingModel, TrainingResult } from '@engram/core';
import { LIFE_FACTS, LIFE_QUESTIONS } from '@engram/core/testing';
import {
  createThreadFitter,
  type ModelFitter,
  ModelRegistry,
  SqliteModelStore,
  TRAINING_DEADLINE_MS,
  type TrainingLogs,
} from '@engram/ee';
import pino from 'pino';
import request from 'supertest';
import { type CloudServer, createCloudServer } from '../src/server';

describe('trained rerankers over the API', () => {
  let cloud: CloudServer;
  let api: ReturnType<typeof request>;
  let admin: string;
  let reader: string;
  let proKey: string;
  let projectId: string;
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
      return { admin: await key(['admin']), read: await key(['read']), id: project.id as string };
    };
    ({ admin, read: reader, id: projectId } = await projectKeys('enterprise'));
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

  /** Starts a training over the API and polls the version until its fit has finished. */
  async function trainOverApi() {
    const started = await api.post('/v1/models/train').set(as(admin)).send({});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'training', model: null, evaluation: null });
    for (let i = 0; i < 600; i++) {
      const version = await api.get(`/v1/models/${started.body.version}`).set(as(admin));
      expect(version.status).toBe(200);
      if (version.body.status !== 'training') return version;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('training did not finish in a minute');
  }

  it('trains from feedback, refuses to promote without a margin, promotes, serves and rolls back', async () => {
    const tooFew = await api.post('/v1/models/train').set(as(admin)).send({});
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.detail).toMatch(/at least 20 searches with positive feedback/);

    await searchWithFeedback(40);
    const trained = await trainOverApi();
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
    expect((await trainOverApi()).body.version).toBe(2);
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
    expect((await api.get('/v1/models/9').set(as(admin))).status).toBe(404);
  });

  /** A fitter whose fits wait to be let go (then fit for real, or fail): the lifecycle, step by step. */
  function heldFitter() {
    const waiting: { release: (fail?: string) => void }[] = [];
    const fitter: ModelFitter = {
      fit: (logs: TrainingLogs, current: RankingModel | null) =>
        new Promise<TrainingResult>((resolve, reject) => {
          waiting.push({
            release: (fail) =>
              fail ? reject(new Error(fail)) : resolve(createThreadFitter().fit(logs, current)),
          });
        }),
      close: async () => undefined,
    };
    return { fitter, waiting };
  }

  it('trains one version of a project at a time, records failures, and marks interrupted trainings failed', async () => {
    const store = new SqliteModelStore(':memory:');
    const { fitter, waiting } = heldFitter();
    const registry = new ModelRegistry(store, () => cloud.engram.ports, { fitter });
    const window = { since: '2000-01-01T00:00:00.000Z', until: '2999-01-01T00:00:00.000Z' };

    const first = await registry.start(projectId, window);
    expect(first.version).toMatchObject({ version: 1, status: 'training', model: null });
    // While it fits, a second training of the project is refused, saying which version runs.
    await expect(registry.start(projectId, window)).rejects.toThrow(/version 1 of this project is training/);
    await expect(registry.promote(projectId, 1, { force: true })).rejects.toThrow(/is training/);
    waiting.pop()!.release();
    const trained = await first.done;
    expect(trained.status).toBe('candidate');
    expect(trained.model.trees.trees.length).toBeGreaterThan(0);
    expect((await registry.list(projectId))[0]).toMatchObject({ version: 1, status: 'candidate' });

    // A fit that throws: the version is kept as failed, with why, and the next training may start.
    const second = await registry.start(projectId, window);
    waiting.pop()!.release('out of memory');
    await expect(second.done).rejects.toThrow('out of memory');
    expect((await registry.list(projectId))[0]).toMatchObject({
      version: 2,
      status: 'failed',
      error: 'training failed: out of memory',
    });

    // Stopping the server while a version trains: saved as failed, not left training.
    await registry.start(projectId, window);
    await registry.close();
    expect((await store.list(projectId))[0]).toMatchObject({
      version: 3,
      status: 'failed',
      error: 'the server stopped while it trained',
    });

    // A version another process left training past the deadline shows as failed and does not block.
    const abandoned = { ...(await store.list(projectId))[0]!, version: 4, status: 'training' as const };
    await store.save({
      ...abandoned,
      created_at: new Date(Date.now() - TRAINING_DEADLINE_MS - 1000).toISOString(),
    });
    const fresh = new ModelRegistry(store, () => cloud.engram.ports, { fitter });
    expect((await fresh.list(projectId))[0]).toMatchObject({
      version: 4,
      status: 'failed',
      error: /interrupted/,
    });
    const fifth = await fresh.start(projectId, window);
    expect(fifth.version.version).toBe(5);
    waiting.pop()!.release();
    expect((await fifth.done).status).toBe('candidate');
    await fresh.close();
    await store.close();
  });

  it('trains every eligible project on schedule in the model-trainer role', async () => {
    const before = (await api.get('/v1/models').set(as(admin))).body.data.length;
    const role = await cloud.roles['model-trainer']!(cloud.engram, pino({ level: 'silent' }));
    try {
      for (let i = 0; i < 600; i++) {
        const listed = (await api.get('/v1/models').set(as(admin))).body.data;
        if (listed.length > before && listed[0].status !== 'training') break;
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
