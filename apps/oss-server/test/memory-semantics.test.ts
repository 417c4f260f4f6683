import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, testEnv } from './helpers';

interface Recording {
  prompt: 'facts' | 'decisions';
  contains: string;
  answer: string;
  status?: number;
  before?: { status?: number; delay_ms?: number }[];
}

/**
 * An OpenAI-compatible chat server on loopback that answers from recorded responses
 * (test/fixtures/llm-recorded.json): the LLM is an outside service, so its answers are fixed.
 */
async function recordedModel(vars: Record<string, string>) {
  const { recordings } = JSON.parse(
    readFileSync(path.join(__dirname, 'fixtures/llm-recorded.json'), 'utf8'),
  ) as {
    recordings: Recording[];
  };
  const served = new Map<Recording, number>();
  const calls: { prompt: string; user: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      const { messages } = JSON.parse(body) as { messages: { role: string; content: string }[] };
      const prompt = messages[0]!.content.startsWith('You extract facts') ? 'facts' : 'decisions';
      const user = messages[1]!.content;
      calls.push({ prompt, user });
      const found = recordings.find((r) => r.prompt === prompt && user.includes(r.contains));
      if (!found) {
        res.writeHead(500).end(`no recording for a ${prompt} request: ${user.slice(0, 200)}`);
        return;
      }
      const n = served.get(found) ?? 0;
      served.set(found, n + 1);
      const failure = found.before?.[n];
      if (failure?.delay_ms) await new Promise((r) => setTimeout(r, failure.delay_ms));
      if (failure?.status) {
        res.writeHead(failure.status).end('{"error": {"message": "recorded failure"}}');
        return;
      }
      if (found.status) {
        res.writeHead(found.status, { 'content-type': 'application/json' }).end(found.answer);
        return;
      }
      // The model reads ids from the memories it is shown; the recording names them by their text.
      const shown =
        prompt === 'decisions' ? (JSON.parse(user).existing_memories as { id: string; text: string }[]) : [];
      const content = found.answer
        .replace(
          /\{\{id:([^}]+)\}\}/g,
          (_m, text: string) => shown.find((s) => s.text.includes(text))?.id ?? 'none',
        )
        .replace(/\{\{var:(\w+)\}\}/g, (_m, name: string) => vars[name] ?? 'none');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('memory that stays right', () => {
  const vars: Record<string, string> = {};
  let model: Awaited<ReturnType<typeof recordedModel>>;
  let engram: OssServer;
  const auth = { Authorization: `Bearer ${API_KEY}` };
  const api = () => request(engram.app);
  const count = async (user: string) =>
    (await api().get(`/v1/memory?user_id=${user}&limit=100`).set(auth)).body.data.length as number;

  beforeAll(async () => {
    model = await recordedModel(vars);
    engram = await startServer(
      testEnv({ ENGRAM_LLM_URL: model.url, ENGRAM_LLM_MODEL: 'recorded', ENGRAM_LLM_TIMEOUT_MS: '1000' }),
    );
  });
  afterAll(async () => {
    await engram.close();
    await model.close();
  });

  it('keeps one memory for three identical adds, then supersedes it from a conversation (infer)', async () => {
    const cat = { content: 'I have a cat named Oliver', user_id: 'alice' };
    const first = await api().post('/v1/memory').set(auth).send(cat);
    expect(first.status).toBe(201);
    for (const again of [cat, { ...cat, content: '  i have a CAT named   Oliver ' }]) {
      const res = await api().post('/v1/memory').set(auth).send(again);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: first.body.id, deduplicated: true });
    }
    // Another scope, other metadata or dedupe: false make another memory.
    expect(
      (
        await api()
          .post('/v1/memory')
          .set(auth)
          .send({ ...cat, user_id: 'bob' })
      ).status,
    ).toBe(201);
    expect(
      (
        await api()
          .post('/v1/memory')
          .set(auth)
          .send({ ...cat, metadata: { pet: true } })
      ).status,
    ).toBe(201);
    const forced = await api()
      .post('/v1/memory')
      .set(auth)
      .send({ ...cat, dedupe: false });
    expect(forced.status).toBe(201);
    await api().delete(`/v1/memory/${forced.body.id}`).set(auth);
    await api()
      .delete(
        `/v1/memory/${(await api().get('/v1/memory?user_id=alice&limit=10').set(auth)).body.data.find((m: { metadata: { pet?: boolean } }) => m.metadata.pet).id}`,
      )
      .set(auth);
    expect(await count('alice')).toBe(1);

    const inferred = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        user_id: 'alice',
        infer: true,
        messages: [
          { role: 'user', content: 'I gave Oliver the cat away to my sister last week.' },
          { role: 'assistant', content: 'That must have been hard.' },
        ],
      });
    expect(inferred.status).toBe(201);
    expect(inferred.body.results).toEqual([
      expect.objectContaining({ event: 'UPDATE', reason: 'the user no longer has the cat' }),
    ]);
    const [update] = inferred.body.results;
    expect(update.previous).toMatchObject({ id: first.body.id, valid_to: expect.any(String) });
    expect(update.memory).toMatchObject({
      content: 'User gave their cat Oliver away to their sister',
      valid_to: null,
    });

    // One current memory; the old one expired, in history with the decision and its reason.
    const history = (await api().get(`/v1/memory/${first.body.id}/history`).set(auth)).body.data;
    expect(history.at(-1)).toMatchObject({
      change: 'expired',
      reason: expect.stringContaining('no longer has the cat'),
    });
    expect(
      (await api().get(`/v1/memory?user_id=alice&valid_at=${new Date().toISOString()}`).set(auth)).body.data,
    ).toHaveLength(1);
    const search = (query: object) =>
      api()
        .post('/v1/memory/search')
        .set(auth)
        .send({ query: 'cat Oliver', user_id: 'alice', ...query });
    expect((await search({})).body.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([
      update.memory.id,
    ]);
    const all = (await search({ include_expired: true })).body.results.map(
      (r: { memory: { id: string } }) => r.memory.id,
    );
    expect(new Set(all)).toEqual(new Set([update.memory.id, first.body.id]));
    const past = (await search({ as_of: first.body.created_at })).body.results.map(
      (r: { memory: { id: string } }) => r.memory.id,
    );
    expect(past).toEqual([first.body.id]);
  });

  it('supersedes explicitly, and expires with PUT valid_to', async () => {
    const old = (
      await api().post('/v1/memory').set(auth).send({ content: 'Carol lives in Paris', user_id: 'carol' })
    ).body;
    const next = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        content: 'Carol lives in Lyon',
        user_id: 'carol',
        supersedes: [old.id],
        event_time: '2026-05-01T00:00:00Z',
      });
    expect(next.status).toBe(201);
    expect(next.body.event_time).toBe('2026-05-01T00:00:00Z');
    expect((await api().get(`/v1/memory/${old.id}`).set(auth)).body.valid_to).toEqual(expect.any(String));
    const missing = await api()
      .post('/v1/memory')
      .set(auth)
      .send({ content: 'x y', supersedes: ['mem_nope'] });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('supersedes.0');
    const ended = await api()
      .put(`/v1/memory/${next.body.id}`)
      .set(auth)
      .send({ valid_to: new Date().toISOString() });
    expect(ended.status).toBe(200);
    const found = await api()
      .post('/v1/memory/search')
      .set(auth)
      .send({ query: 'Carol lives', user_id: 'carol' });
    expect(found.body.results).toEqual([]);
  });

  it('honours Idempotency-Key on POSTs: the same request answers once, another body is 409', async () => {
    const body = { content: `Hana booked a flight ${Date.now()}`, user_id: 'hana' };
    const key = { ...auth, 'Idempotency-Key': `add-${Date.now()}` };
    const first = await api().post('/v1/memory').set(key).send(body);
    expect(first.status).toBe(201);
    const again = await api().post('/v1/memory').set(key).send(body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await api()
      .post('/v1/memory')
      .set(key)
      .send({ ...body, content: 'something else' });
    expect(other.status).toBe(409);
    expect(other.body.errors[0].field).toBe('Idempotency-Key');
    // Batches too, and they dedupe within themselves and against the store.
    const batchKey = { ...auth, 'Idempotency-Key': `batch-${Date.now()}` };
    const items = {
      memories: [
        body,
        { ...body, content: 'Hana packed her bags' },
        { ...body, content: 'Hana packed her bags' },
      ],
    };
    const batch = await api().post('/v1/memory/batch').set(batchKey).send(items);
    const replay = await api().post('/v1/memory/batch').set(batchKey).send(items);
    expect(replay.body.batch_id).toBe(batch.body.batch_id);
    await engram.engram.ports.jobQueue.idle();
    const done = (await api().get(`/v1/batch/${batch.body.batch_id}`).set(auth)).body;
    expect(done).toMatchObject({ status: 'completed', succeeded: 3 });
    expect(done.memory_ids[0]).toBe(first.body.id);
    expect(done.memory_ids[1]).toBe(done.memory_ids[2]);
    expect(await count('hana')).toBe(2);
  });

  it('stores messages without infer one per message, with their role', async () => {
    const res = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        user_id: 'dave',
        messages: [
          { role: 'user', content: 'My favourite colour is teal.' },
          { role: 'assistant', content: 'Teal is a lovely colour.' },
        ],
      });
    expect(res.status).toBe(201);
    expect(
      res.body.results.map((r: { event: string; memory: { metadata: { role: string } } }) => [
        r.event,
        r.memory.metadata.role,
      ]),
    ).toEqual([
      ['ADD', 'user'],
      ['ADD', 'assistant'],
    ]);
    const both = await api()
      .post('/v1/memory')
      .set(auth)
      .send({ content: 'x', messages: [{ role: 'user', content: 'y' }] });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('content');
  });

  it('refuses a malformed answer and a refused call whole, and retries timeouts and server errors', async () => {
    const before = await count('erin');
    const malformed = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        user_id: 'erin',
        infer: true,
        messages: [{ role: 'user', content: 'MALFORMED: I like jazz' }],
      });
    expect(malformed.status).toBe(502);
    expect(malformed.body.code).toBe('llm_invalid_answer');
    const refused = await api()
      .post('/v1/memory')
      .set(auth)
      .send({ user_id: 'erin', infer: true, messages: [{ role: 'user', content: 'REFUSED: hello' }] });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('dependency_unavailable');
    expect(await count('erin')).toBe(before);

    const slow = await api()
      .post('/v1/memory')
      .set(auth)
      .send({ user_id: 'erin', infer: true, messages: [{ role: 'user', content: 'SLOW: nothing much' }] });
    expect(slow.status).toBe(200);
    expect(slow.body.results).toEqual([]);
    expect(model.calls.filter((c) => c.user.includes('SLOW'))).toHaveLength(2);

    const flaky = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        user_id: 'erin',
        infer: true,
        messages: [{ role: 'user', content: 'FLAKY: I play the cello on Sundays' }],
      });
    expect(flaky.status).toBe(201);
    expect(flaky.body.results).toEqual([expect.objectContaining({ event: 'ADD', reason: 'new hobby' })]);
    expect(model.calls.filter((c) => c.user.includes('FLAKY'))).toHaveLength(3);

    // The same fact in other words is merged into the memory that says it (vector similarity).
    const again = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        user_id: 'erin',
        infer: true,
        messages: [{ role: 'user', content: 'AGAIN: the cello, every Sunday' }],
      });
    expect(again.status).toBe(200);
    expect(again.body.results).toEqual([
      expect.objectContaining({ event: 'NONE', reason: expect.stringContaining('near-duplicate') }),
    ]);
    expect(again.body.results[0].memory.id).toBe(flaky.body.results[0].memory.id);
  }, 30_000);

  it("rejects and logs decisions about memories it was not shown (another user's, or none)", async () => {
    const bobs = (
      await api().post('/v1/memory').set(auth).send({ content: 'Bob lives in Porto', user_id: 'bob-porto' })
    ).body;
    vars.bob = bobs.id;
    const res = await api()
      .post('/v1/memory')
      .set(auth)
      .send({
        user_id: 'frank',
        infer: true,
        messages: [{ role: 'user', content: 'UNSAFE: I moved to Porto' }],
      });
    expect(res.status).toBe(201);
    expect(res.body.results).toEqual([expect.objectContaining({ event: 'ADD' })]);
    expect(res.body.rejected.map((r: { why: string }) => r.why)).toEqual([
      expect.stringContaining(`memory ${bobs.id} was not among`),
      expect.stringContaining('memory mem_does_not_exist was not among'),
    ]);
    expect((await api().get(`/v1/memory/${bobs.id}`).set(auth)).body).toMatchObject({
      valid_to: null,
      version: 1,
    });
  });

  it('names the setting when infer has no model, and refuses two scopes in one search', async () => {
    const plain = await startServer(testEnv());
    try {
      const res = await request(plain.app)
        .post('/v1/memory')
        .set(auth)
        .send({ infer: true, messages: [{ role: 'user', content: 'hello' }] });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'llm_not_configured', setting: 'ENGRAM_LLM_URL' });
    } finally {
      await plain.close();
    }
    const conflict = await api()
      .post('/v1/memory/search')
      .set(auth)
      .send({ query: 'x', user_id: 'bob', filters: { user_id: 'caroline' } });
    expect(conflict.status).toBe(400);
    expect(conflict.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'user_id',
      'filters.user_id',
    ]);
  });
});
