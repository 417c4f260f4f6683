import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LIFE_FACTS, LIFE_QUESTIONS } from '@engram/core/testing';
import request from 'supertest';
import { API_KEY, startServer, tempDir, testEnv } from './helpers';

const TRAIN = path.resolve(__dirname, '..', 'dist', 'train-reranker.js');
const run = promisify(execFile);
const auth = { Authorization: `Bearer ${API_KEY}` };

/**
 * The open-source recipe from the README, end to end: searches and feedback, the logs exported
 * as NDJSON, a model fitted with engram-train-reranker, and a server started with it.
 */
describe('training a reranker from the export (open-source recipe)', () => {
  it('exports, trains, and serves the model from ENGRAM_RERANKER_MODEL', async () => {
    const env = testEnv();
    const exports = tempDir();
    const first = await startServer(env);
    const api = request(first.app);
    try {
      for (const content of LIFE_FACTS)
        await api.post('/v1/memory').set(auth).send({ content, user_id: 'u' }).expect(201);
      for (let i = 0; i < 40; i++) {
        const found = await api
          .post('/v1/memory/search')
          .set(auth)
          .send({ query: LIFE_QUESTIONS[i % LIFE_QUESTIONS.length], user_id: 'u', top_k: 8 })
          .expect(200);
        const chosen = found.body.results[1] ?? found.body.results[0];
        const signal = i % 7 === 0 ? 'negative' : 'positive';
        await api
          .post('/v1/feedback')
          .set(auth)
          .send({ search_id: found.body.search_id, memory_id: chosen.memory.id, signal });
      }
      const ndjson = async (route: string) =>
        (
          await api
            .get(route)
            .set(auth)
            .set('Accept', 'application/x-ndjson')
            .buffer(true)
            .parse((res, done) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => done(null, text));
            })
        ).body as string;
      const queries = await ndjson('/v1/logs/queries?limit=7');
      expect(queries.trim().split('\n')).toHaveLength(40);
      writeFileSync(path.join(exports, 'queries.ndjson'), queries);
      writeFileSync(path.join(exports, 'retrievals.ndjson'), await ndjson('/v1/logs/retrievals'));
      const feedback = await ndjson('/v1/logs/feedback?limit=7');
      // Every feedback, across pages of searches (some pages hold none).
      expect(feedback.trim().split('\n')).toHaveLength(40);
      writeFileSync(path.join(exports, 'feedback.ndjson'), feedback);
      const memories = (await api.get('/v1/memory?limit=100').set(auth)).body.data;
      writeFileSync(
        path.join(exports, 'memories.ndjson'),
        memories.map((m: unknown) => JSON.stringify(m)).join('\n'),
      );
    } finally {
      await first.close();
    }

    const model = path.join(exports, 'reranker.json');
    const trained = await run(process.execPath, [TRAIN, exports, '--out', model]);
    expect(trained.stdout).toMatch(/trained on \d+ searches, measured on \d+ held out/);
    const written = JSON.parse(readFileSync(model, 'utf8'));
    expect(written.examples.train + written.examples.held_out).toBe(40 - 6); // 6 had negative feedback only
    expect(written.model.trees.trees.length).toBeGreaterThan(0); // boosted trees, as JSON

    // The same data file, now served with the model.
    const second = await startServer({ ...env, ENGRAM_RERANKER_MODEL: model });
    try {
      const found = await request(second.app)
        .post('/v1/memory/search')
        .set(auth)
        .send({ query: 'Ana cat', user_id: 'u' })
        .expect(200);
      const scores: number[] = found.body.results.map((r: { score: number }) => r.score);
      expect(scores.length).toBeGreaterThan(2);
      scores.slice(1).forEach((s, i) => {
        expect(s).toBeLessThan(scores[i]!);
      });
    } finally {
      await second.close();
    }

    // Too little feedback, and a file that is not a model, are both refused with the reason.
    const empty = tempDir();
    for (const f of ['queries', 'retrievals', 'feedback', 'memories'])
      writeFileSync(path.join(empty, `${f}.ndjson`), '');
    await expect(run(process.execPath, [TRAIN, empty])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/0 of 0 searches have positive feedback/),
    });
    const notModel = path.join(empty, 'bad.json');
    writeFileSync(notModel, JSON.stringify({ weights: [1] }));
    await expect(startServer({ ...env, ENGRAM_RERANKER_MODEL: notModel })).rejects.toThrow(
      /bad.json is not a ranking model \(boosted trees\) over the features relevance/,
    );
  }, 60_000);
});
