import pino from 'pino';
import { parseConfig } from '../config/config';
import { coreDefaultsPlugin } from '../defaults-plugin';
import { createEngram, type Engram } from '../engram';
import type { EngramPlugin } from '../plugin';
import type { Principal } from '../ports/edition';
import { OPEN_SOURCE_DEFAULTS } from './config-defaults';

export interface EngineHarness {
  /** Store and embedder plugins over fresh, empty stores. Core's defaults are added after them. */
  plugins(): EngramPlugin[] | Promise<EngramPlugin[]>;
}

const principal = (tenant: string): Principal => ({ tenant_id: tenant, subject: 'test', scopes: ['admin'] });

export async function startTestEngram(
  plugins: EngramPlugin[],
  overrides: Record<string, unknown> = {},
): Promise<Engram> {
  const engram = await createEngram({
    config: parseConfig({ ...OPEN_SOURCE_DEFAULTS, ...overrides }),
    plugins: [...plugins, coreDefaultsPlugin({ apiKeyHashes: [] })],
    logger: pino({ level: 'silent' }),
    allowPrivateWebhooks: true,
  });
  await engram.start();
  return engram;
}

/**
 * The engine contract: memory lifecycle, hybrid search, filters, consistency between the
 * store and its indexes, tenant isolation and input errors, through core's services over a
 * backend set. Backends run it to prove they fit together, not only one port at a time.
 */
export function describeEngineContract(name: string, harness: EngineHarness): void {
  describe(`engine contract: ${name}`, () => {
    let engram: Engram;
    const t1 = principal('tenant-one');
    const t2 = principal('tenant-two');

    beforeAll(async () => {
      engram = await startTestEngram(await harness.plugins());
    });
    afterAll(() => engram.shutdown());

    const add = (tenant: Principal, body: Record<string, unknown>) =>
      engram.services.memories.add(tenant.tenant_id, body);
    const search = (tenant: Principal, body: Record<string, unknown>) =>
      engram.services.search.search(tenant, body);
    const ids = (r: { results: { memory: { id: string } }[] }) => r.results.map((x) => x.memory.id);

    it('adds, gets, updates with history, lists, deletes', async () => {
      const m = await add(t1, {
        content: 'Jon runs a dance studio',
        user_id: 'u-life',
        metadata: { source: 'chat' },
        tags: ['work'],
      });
      expect(m).toMatchObject({
        version: 1,
        user_id: 'u-life',
        metadata: { source: 'chat' },
        tags: ['work'],
        type: 'text',
      });
      expect(m.id).toMatch(/^mem_/);
      expect(await engram.services.memories.get(t1.tenant_id, m.id)).toEqual(m);
      const v2 = await engram.services.memories.update(t1.tenant_id, m.id, {
        content: 'Jon closed his dance studio',
      });
      expect(v2.version).toBe(2);
      await expect(
        engram.services.memories.update(t1.tenant_id, m.id, { content: 'x', expected_version: 1 }),
      ).rejects.toMatchObject({
        code: 'version_conflict',
      });
      const history = await engram.services.memories.history(t1.tenant_id, m.id);
      expect(history.map((h) => h.content)).toEqual([
        'Jon runs a dance studio',
        'Jon closed his dance studio',
      ]);
      const listed = await engram.services.memories.list(t1.tenant_id, { user_id: 'u-life' }, { limit: 10 });
      expect(listed.data.map((x) => x.id)).toEqual([m.id]);
      await engram.services.memories.delete(t1.tenant_id, m.id);
      await expect(engram.services.memories.get(t1.tenant_id, m.id)).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(engram.services.memories.history(t1.tenant_id, m.id)).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('finds a memory by paraphrase (vector), by a rare exact word (BM25) and through a shared entity (graph)', async () => {
      const user = 'u-search';
      const puppy = await add(t1, {
        content: 'We adopted a little puppy from the shelter last weekend',
        user_id: user,
      });
      const code = await add(t1, { content: 'The storage unit code is XQ7-Halcyon', user_id: user });
      const daughter = await add(t1, { content: 'Melanie said her daughter Ruby turned six', user_id: user });
      const ballet = await add(t1, { content: 'Ruby started ballet classes on Tuesdays', user_id: user });
      for (const filler of [
        'The weather was rainy all week',
        'I finished reading a novel about sailors',
        'Dinner was pasta with friends',
      ]) {
        await add(t1, { content: filler, user_id: user });
      }
      const byMeaning = await search(t1, { query: 'new dog in the family', user_id: user, top_k: 3 });
      expect(ids(byMeaning)[0]).toBe(puppy.id);
      expect(byMeaning.results[0]!.signals.vector).toBeGreaterThan(0);
      expect(byMeaning.results[0]!.signals.text).toBeNull();

      const byWord = await search(t1, { query: 'halcyon', user_id: user, top_k: 3 });
      expect(ids(byWord)[0]).toBe(code.id);
      expect(byWord.results[0]!.signals.text).toBeGreaterThan(0);

      const byEntity = await search(t1, {
        query: 'What does Melanie do?',
        user_id: user,
        top_k: 7,
        include_graph: true,
      });
      const hit = byEntity.results.find((r) => r.memory.id === ballet.id);
      expect(hit?.signals.graph).toBeGreaterThan(0); // shares "Ruby" with the memory that names Melanie
      expect(hit?.signals.text).toBeNull();
      expect(ids(byEntity)).toContain(daughter.id);
      expect(byEntity.entities?.map((e) => e.name)).toEqual(expect.arrayContaining(['Melanie', 'Ruby']));
      expect(byEntity.search_id).toMatch(/^srch_/);
    });

    it('applies filters: namespace, agent, session, metadata, tags and time', async () => {
      const user = 'u-filter';
      const before = new Date(Date.now() - 1000).toISOString();
      const a = await add(t1, {
        content: 'project falcon deadline is Friday',
        user_id: user,
        namespace: 'work',
        metadata: { priority: 3 },
      });
      const b = await add(t1, {
        content: 'project falcon party is Saturday',
        user_id: user,
        namespace: 'home',
        agent_id: 'bot',
        metadata: { priority: 1 },
        tags: ['fun'],
      });
      const c = await add(t1, {
        content: 'project falcon budget approved',
        user_id: user,
        namespace: 'work',
        session_id: 's9',
        metadata: { priority: 5 },
      });
      const q = (filters: Record<string, unknown>) =>
        search(t1, { query: 'project falcon', user_id: user, filters }).then(ids);
      expect((await q({ namespace: 'work' })).sort()).toEqual([a.id, c.id].sort());
      expect(await q({ agent_id: 'bot' })).toEqual([b.id]);
      expect(await q({ session_id: 's9' })).toEqual([c.id]);
      expect(await q({ tags: ['fun'] })).toEqual([b.id]);
      expect((await q({ metadata: { priority: { gte: 3 } } })).sort()).toEqual([a.id, c.id].sort());
      expect(await q({ metadata: { priority: { in: [1] } } })).toEqual([b.id]);
      expect(await q({ created_before: before })).toEqual([]);
      expect((await q({ created_after: before })).length).toBe(3);
      expect(await search(t1, { query: 'project falcon', user_id: 'someone-else' }).then(ids)).toEqual([]);
    });

    it('reflects updates and deletes in every index at once', async () => {
      const user = 'u-consistency';
      const m = await add(t1, { content: 'My favourite fruit is mango', user_id: user });
      await engram.services.memories.update(t1.tenant_id, m.id, {
        content: 'My favourite vegetable is broccoli',
      });
      const stale = await search(t1, { query: 'mango', user_id: user });
      expect(stale.results.every((r) => r.memory.content !== 'My favourite fruit is mango')).toBe(true);
      expect(stale.results.find((r) => r.memory.id === m.id)?.signals.text ?? null).toBeNull();
      const fresh = await search(t1, { query: 'broccoli', user_id: user });
      expect(fresh.results[0]?.memory).toMatchObject({
        id: m.id,
        content: 'My favourite vegetable is broccoli',
        version: 2,
      });
      await engram.services.memories.delete(t1.tenant_id, m.id);
      for (const query of ['broccoli', 'favourite vegetable', 'mango']) {
        expect(ids(await search(t1, { query, user_id: user }))).not.toContain(m.id);
      }
    });

    it('forgets a user everywhere: memories, history, indexes and entities', async () => {
      const user = 'u-forget';
      const keep = await add(t1, { content: 'Caroline moved from Sweden', user_id: 'u-keep' });
      const gone = await add(t1, { content: 'Caroline moved from Sweden', user_id: user });
      expect(await engram.services.memories.forgetUser(t1.tenant_id, user)).toEqual({ deleted: 1 });
      await expect(engram.services.memories.get(t1.tenant_id, gone.id)).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(ids(await search(t1, { query: 'Caroline Sweden', user_id: user }))).toEqual([]);
      expect(ids(await search(t1, { query: 'Caroline Sweden', user_id: 'u-keep' }))).toEqual([keep.id]);
      const entities = await engram.services.graph.entities(t1.tenant_id, { user_id: user }, { limit: 10 });
      expect(entities.data).toEqual([]);
    });

    it('isolates tenants in every operation', async () => {
      const mine = await add(t1, { content: 'secret launch codename Bluebird', user_id: 'shared-user' });
      const theirs = await add(t2, { content: 'their launch codename Redwing', user_id: 'shared-user' });
      const { memories, graph } = engram.services;
      await expect(memories.get(t2.tenant_id, mine.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(memories.update(t2.tenant_id, mine.id, { content: 'hijack' })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(memories.delete(t2.tenant_id, mine.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(memories.history(t2.tenant_id, mine.id)).rejects.toMatchObject({ code: 'not_found' });
      expect((await memories.list(t2.tenant_id, {}, { limit: 100 })).data.map((m) => m.id)).not.toContain(
        mine.id,
      );
      expect(ids(await search(t2, { query: 'launch codename Bluebird' }))).toEqual([theirs.id]);
      expect(ids(await search(t2, { query: 'launch codename', user_id: 'shared-user' }))).toEqual([
        theirs.id,
      ]);
      await expect(
        graph.relate(t2.tenant_id, { source_id: theirs.id, target_id: mine.id, type: 'LINK' }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(graph.neighbors(t2.tenant_id, mine.id, 1, 10)).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(await memories.forgetUser(t2.tenant_id, 'shared-user')).toEqual({ deleted: 1 });
      expect(await memories.get(t1.tenant_id, mine.id)).toMatchObject({
        content: 'secret launch codename Bluebird',
      });
    });

    it('explains bad input with a code and the field, and stores nothing', async () => {
      const before = (await engram.services.memories.list(t1.tenant_id, { user_id: 'u-bad' }, { limit: 10 }))
        .data.length;
      await expect(add(t1, { content: '   ', user_id: 'u-bad' })).rejects.toMatchObject({
        code: 'validation_failed',
        details: { errors: [{ field: 'content' }] },
      });
      await expect(add(t1, { content: 'ok', user_id: 'u-bad', colour: 'red' })).rejects.toMatchObject({
        code: 'validation_failed',
        details: { errors: [{ field: 'colour' }] },
      });
      await expect(add(t1, { content: 'x'.repeat(15_001), user_id: 'u-bad' })).rejects.toMatchObject({
        code: 'content_too_large',
      });
      await expect(
        add(t1, { content: 'ok', user_id: 'u-bad', relations: [{ to: 'mem_nope', type: 'LINK' }] }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        details: { errors: [{ field: 'relations.0.to' }] },
      });
      await expect(search(t1, { query: '' })).rejects.toMatchObject({ code: 'validation_failed' });
      expect(
        (await engram.services.memories.list(t1.tenant_id, { user_id: 'u-bad' }, { limit: 10 })).data,
      ).toHaveLength(before);
    });

    it('logs every search and its retrievals, and takes feedback on a search_id', async () => {
      await add(t1, { content: 'The museum opens at nine', user_id: 'u-logs' });
      const res = await search(t1, { query: 'museum hours', user_id: 'u-logs' });
      await engram.services.logs.flush();
      const q = await engram.ports.logStore.getQuery(t1.tenant_id, res.search_id);
      expect(q).toMatchObject({ query: 'museum hours', user_id: 'u-logs', result_count: res.results.length });
      const r = await engram.ports.logStore.listRetrievals(
        t1.tenant_id,
        { search_id: res.search_id },
        { limit: 50 },
      );
      expect(r.data).toHaveLength(res.results.length);
      expect(r.data.find((x) => x.rank === 1)).toMatchObject({
        memory_id: res.results[0]!.memory.id,
        score: res.results[0]!.score,
      });
      expect(await engram.ports.logStore.getQuery(t2.tenant_id, res.search_id)).toBeNull();
      const fb = await engram.services.logs.feedback(t1.tenant_id, {
        search_id: res.search_id,
        signal: 'positive',
      });
      expect(fb.signal).toBe('positive');
      await expect(
        engram.services.logs.feedback(t2.tenant_id, { search_id: res.search_id, signal: 'negative' }),
      ).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('keeps memories right: duplicates, supersede, expiry, as_of and history', async () => {
      const fact = {
        content: 'Gina keeps bees in the garden',
        user_id: 'u-time',
        metadata: { source: 'chat' },
      };
      const first = await add(t1, fact);
      // Identical after normalisation, same scope and metadata: the same memory, nothing added.
      const again = await add(t1, { ...fact, content: ' gina keeps BEES in the  garden ' });
      expect(again).toMatchObject({ id: first.id, deduplicated: true });
      expect((await add(t1, { ...fact, metadata: { source: 'email' } })).id).not.toBe(first.id);
      expect((await add(t1, { ...fact, dedupe: false })).deduplicated).toBeUndefined();
      // The other tenant's identical memory is its own.
      expect((await add(t2, fact)).id).not.toBe(first.id);

      const next = await add(t1, {
        content: 'Gina gave her bees to a neighbour',
        user_id: 'u-time',
        supersedes: [first.id],
        event_time: '2026-04-01T10:00:00Z',
      });
      const old = await engram.services.memories.get(t1.tenant_id, first.id);
      expect(old.valid_to).toEqual(expect.any(String));
      expect(next).toMatchObject({ valid_to: null, event_time: '2026-04-01T10:00:00Z' });
      const history = await engram.services.memories.history(t1.tenant_id, first.id);
      expect(history.map((v) => v.change)).toEqual(['created', 'expired']);
      expect(history[1]!.reason).toBe(`superseded by ${next.id}`);
      // An expired memory is not a duplicate: adding it again makes a current one.
      expect((await add(t1, fact)).id).not.toBe(first.id);

      const found = async (body: Record<string, unknown>) =>
        ids(await search(t1, { query: 'Gina bees', user_id: 'u-time', top_k: 20, ...body }));
      expect(await found({})).not.toContain(first.id);
      expect(await found({})).toContain(next.id);
      expect(await found({ include_expired: true })).toContain(first.id);
      expect(await found({ as_of: first.created_at })).toContain(first.id);
      expect(await found({ as_of: first.created_at })).not.toContain(next.id);

      // Filters on validity in lists, on every backend.
      const list = async (filter: Record<string, unknown>) =>
        (
          await engram.services.memories.list(t1.tenant_id, { user_id: 'u-time', ...filter }, { limit: 50 })
        ).data.map((m) => m.id);
      expect(await list({ valid_at: new Date().toISOString() })).not.toContain(first.id);
      expect(await list({ valid_at: first.created_at })).toContain(first.id);
      expect(await list({})).toEqual(expect.arrayContaining([first.id, next.id]));
    });

    it('processes a batch in the background, keeps good items when others fail, and never duplicates on re-run', async () => {
      const batch = await engram.services.batches.submit(t1.tenant_id, {
        memories: [
          { content: 'batch one', user_id: 'u-batch' },
          { content: '' },
          { content: 'batch three', user_id: 'u-batch' },
        ],
      });
      expect(batch.errors).toEqual([
        expect.objectContaining({ index: 1, code: 'validation_failed', field: 'memories.1.content' }),
      ]);
      await engram.ports.jobQueue.idle();
      const done = await engram.services.batches.get(t1.tenant_id, batch.id);
      expect(done).toMatchObject({ status: 'partial', total: 3, succeeded: 2, failed: 1 });
      // Replaying the whole batch (a crash before the job was marked done) adds nothing twice.
      await engram.services.batches.process(t1.tenant_id, batch.id);
      await engram.ports.batchStore.save({
        ...done,
        cursor: 0,
        succeeded: 0,
        failed: 1,
        completed_at: null,
        status: 'running',
      });
      await engram.services.batches.process(t1.tenant_id, batch.id);
      const listed = await engram.services.memories.list(t1.tenant_id, { user_id: 'u-batch' }, { limit: 10 });
      expect(listed.data.map((m) => m.content).sort()).toEqual(['batch one', 'batch three']);
      expect(await engram.services.batches.get(t1.tenant_id, batch.id)).toMatchObject({
        succeeded: 2,
        failed: 1,
        status: 'partial',
      });
      await expect(engram.services.batches.get(t2.tenant_id, batch.id)).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });
}
