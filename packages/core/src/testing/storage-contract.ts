import { newId, nowIso } from '../domain/ids';
import type { BatchJob, WebhookDelivery, WebhookSubscription } from '../domain/types';
import { EngramError } from '../errors';
import type { Ports } from '../ports';
import { axisVector, makeMemory } from './fixtures';

export type StoragePorts = Pick<
  Ports,
  | 'memoryStore'
  | 'vectorIndex'
  | 'textIndex'
  | 'graphStore'
  | 'logStore'
  | 'batchStore'
  | 'webhookStore'
  | 'jobStore'
  | 'idempotencyStore'
>;

export interface StorageHarness {
  /** Fresh, empty stores. Ports the backend does not implement may be left out: their tests are skipped. */
  open(): Promise<Partial<StoragePorts>>;
  close(): Promise<void>;
  /** The ports this backend implements; the others' tests are reported as skipped. Default: all. */
  provides?: (keyof StoragePorts)[];
}

const DIM = 8;

/**
 * The storage contract: every backend, built in or third-party, runs these tests unchanged.
 * Usage in a jest file: `describeStorageContract('my-backend', harness)`.
 */
export function describeStorageContract(name: string, harness: StorageHarness): void {
  describe(`storage contract: ${name}`, () => {
    let ports: Partial<StoragePorts>;
    beforeEach(async () => {
      ports = await harness.open();
    });
    afterEach(() => harness.close());

    const given = <K extends keyof StoragePorts>(
      port: K,
      title: string,
      fn: (p: StoragePorts[K]) => Promise<void>,
    ) =>
      (harness.provides && !harness.provides.includes(port) ? it.skip : it)(`${port}: ${title}`, async () => {
        const impl = ports[port];
        if (!impl) throw new Error(`${name} did not open ${port}; list the ports it implements in provides`);
        await fn(impl as StoragePorts[K]);
      });

    given('memoryStore', 'insert, get, getMany and count, scoped by tenant', async (store) => {
      const a = makeMemory();
      const b = makeMemory({ tenant_id: 't2', content: 'other tenant' });
      await store.insert(a);
      await store.insert(b);
      expect(await store.get('t1', a.id)).toEqual(a);
      expect(await store.get('t2', a.id)).toBeNull();
      expect((await store.getMany('t1', [a.id, b.id, 'missing'])).map((m) => m.id)).toEqual([a.id]);
      expect(await store.count('t1')).toBe(1);
      expect(await store.contentBytes('t1')).toBe(Buffer.byteLength(a.content, 'utf8'));
      await store.insert(makeMemory({ tenant_id: 't3', content: 'café' }));
      expect(await store.contentBytes('t3')).toBe(5); // UTF-8 bytes, not characters
      await expect(store.insert(a)).rejects.toMatchObject({ code: 'conflict' });
    });

    given('memoryStore', 'insertEach keeps or refuses each memory on its own', async (store) => {
      const a = makeMemory({ content: 'first' });
      await store.insert(a);
      const fresh = [makeMemory({ content: 'second' }), makeMemory({ content: 'third' })];
      if (!store.insertEach) return; // optional: core then calls insert for each
      const results = await store.insertEach([fresh[0]!, { ...a, content: 'a copy' }, fresh[1]!]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results[1]).toMatchObject({ reason: { code: 'conflict' } });
      expect((await store.get('t1', a.id))?.content).toBe('first');
      for (const m of fresh) expect(await store.get('t1', m.id)).toEqual(m);
      expect(await store.history('t1', fresh[1]!.id)).toHaveLength(1);
      expect(await store.insertEach([])).toEqual([]);
    });

    given(
      'memoryStore',
      'recentlyWritten lists the last writes of every tenant, newest first',
      async (store) => {
        // Future timestamps make these the newest rows whatever else the store holds.
        const at = (n: number) => `2999-01-01T00:00:0${n}.000Z`;
        const a = makeMemory({ created_at: at(1), updated_at: at(1) });
        const b = makeMemory({ tenant_id: 't2', created_at: at(2), updated_at: at(2) });
        const c = makeMemory({ created_at: at(0), updated_at: at(0) });
        for (const m of [a, b, c]) await store.insert(m);
        await store.update({ ...c, content: 'changed last', version: 2, updated_at: at(3) });
        expect(await store.recentlyWritten(3)).toEqual([
          { tenant_id: 't1', id: c.id },
          { tenant_id: 't2', id: b.id },
          { tenant_id: 't1', id: a.id },
        ]);
      },
    );

    given('memoryStore', 'update appends history and refuses a stale version', async (store) => {
      const m = makeMemory();
      await store.insert(m);
      const v2 = { ...m, content: 'Alice prefers coffee now', version: 2, updated_at: nowIso() };
      await store.update(v2);
      await expect(store.update({ ...v2, content: 'stale write' })).rejects.toBeInstanceOf(EngramError);
      expect((await store.get('t1', m.id))?.content).toBe('Alice prefers coffee now');
      const history = await store.history('t1', m.id);
      expect(history.map((h) => [h.version, h.change, h.content])).toEqual([
        [1, 'created', 'Alice likes green tea'],
        [2, 'updated', 'Alice prefers coffee now'],
      ]);
      await expect(store.update({ ...v2, tenant_id: 't2', version: 3 })).rejects.toMatchObject({
        code: 'version_conflict',
      });
    });

    given('memoryStore', 'delete removes the memory and its history, only in its tenant', async (store) => {
      const m = makeMemory();
      await store.insert(m);
      expect(await store.delete('t2', m.id)).toBe(false);
      expect(await store.delete('t1', m.id)).toBe(true);
      expect(await store.get('t1', m.id)).toBeNull();
      expect(await store.history('t1', m.id)).toEqual([]);
      expect(await store.delete('t1', m.id)).toBe(false);
    });

    given('memoryStore', 'list pages newest first and applies every filter', async (store) => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const m = makeMemory({
          id: newId('mem', Date.now() + i),
          user_id: i % 2 ? 'bob' : 'alice',
          namespace: i < 3 ? 'work' : null,
          tags: i === 4 ? ['pinned'] : [],
          metadata: { n: i, kind: i % 3 === 0 ? 'fact' : 'chat', flag: i === 5 },
        });
        await store.insert(m);
        ids.push(m.id);
      }
      await store.insert(makeMemory({ tenant_id: 't2' }));
      const first = await store.list('t1', {}, { limit: 3 });
      expect(first.data.map((m) => m.id)).toEqual([ids[6], ids[5], ids[4]]);
      const second = await store.list('t1', {}, { limit: 3, cursor: first.next_cursor });
      expect(second.data.map((m) => m.id)).toEqual([ids[3], ids[2], ids[1]]);
      const third = await store.list('t1', {}, { limit: 3, cursor: second.next_cursor });
      expect(third.data.map((m) => m.id)).toEqual([ids[0]]);
      expect(third.next_cursor).toBeNull();
      // A cursor the store did not hand out is refused, never read as "start from the top".
      for (const cursor of ['garbage', `${first.next_cursor}x`, `x${first.next_cursor}`]) {
        await expect(store.list('t1', {}, { limit: 3, cursor })).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }

      const only = async (filter: Parameters<typeof store.list>[1]) =>
        (await store.list('t1', filter, { limit: 100 })).data.map((m) => m.metadata.n).sort();
      expect(await only({ user_id: 'bob' })).toEqual([1, 3, 5]);
      expect(await only({ namespace: 'work' })).toEqual([0, 1, 2]);
      expect(await only({ tags: ['pinned'] })).toEqual([4]);
      expect(await only({ metadata: { kind: 'fact' } })).toEqual([0, 3, 6]);
      expect(await only({ metadata: { n: { in: [1, 2, 9] } } })).toEqual([1, 2]);
      expect(await only({ metadata: { n: { gte: 2, lt: 5 } } })).toEqual([2, 3, 4]);
      expect(await only({ metadata: { flag: true } })).toEqual([5]);
      expect(await only({ user_id: 'alice', metadata: { kind: 'chat' } })).toEqual([2, 4]);
      expect(await store.listIds('t1', { user_id: 'bob' })).toHaveLength(3);
    });

    given(
      'memoryStore',
      'sessionNeighbors: the memories around one in its session, nearest first',
      async (store) => {
        const at = Date.now();
        const turns = [];
        for (let i = 0; i < 5; i++) {
          const m = makeMemory({ id: newId('mem', at + i), session_id: 's1', content: `turn ${i}` });
          await store.insert(m);
          turns.push(m.id);
        }
        await store.insert(makeMemory({ id: newId('mem', at + 2), session_id: 's2' }));
        await store.insert(makeMemory({ id: newId('mem', at + 2), session_id: 's1', tenant_id: 't2' }));
        const loner = makeMemory({ session_id: null });
        await store.insert(loner);
        expect(await store.sessionNeighbors('t1', turns[2]!, 1)).toEqual([turns[1], turns[3]]);
        expect(await store.sessionNeighbors('t1', turns[2]!, 2)).toEqual([
          turns[1],
          turns[3],
          turns[0],
          turns[4],
        ]);
        expect(await store.sessionNeighbors('t1', turns[0]!, 2)).toEqual([turns[1], turns[2]]);
        expect(await store.sessionNeighbors('t1', loner.id, 2)).toEqual([]);
        expect(await store.sessionNeighbors('t2', turns[2]!, 2)).toEqual([]);
      },
    );

    given('vectorIndex', 'refuses a different model or dimension', async (index) => {
      await index.init({ id: 'model-a', dimension: DIM });
      await index.init({ id: 'model-a', dimension: DIM });
      await expect(index.init({ id: 'model-b', dimension: DIM })).rejects.toMatchObject({
        code: 'model_mismatch',
      });
      await expect(index.init({ id: 'model-a', dimension: DIM * 2 })).rejects.toMatchObject({
        code: 'model_mismatch',
      });
    });

    given(
      'vectorIndex',
      'nearest first, filtered by user and more, scoped by tenant, deletable',
      async (index) => {
        await index.init({ id: 'model-a', dimension: DIM });
        // Indexes filter on the fields they were given, never through the MemoryStore: a
        // deployment may keep memories in one database and vectors in another.
        const put = async (overrides: Parameters<typeof makeMemory>[0], axis: number, wobble = 0) => {
          const m = makeMemory(overrides);
          await index.upsert([{ memory: m, vector: axisVector(DIM, axis, wobble) }]);
          return m;
        };
        const near = await put({ user_id: 'alice' }, 0, 0.1);
        const far = await put({ user_id: 'alice', namespace: 'work' }, 4);
        const bob = await put({ user_id: 'bob' }, 0);
        const other = await put({ tenant_id: 't2', user_id: 'alice' }, 0);
        const q = axisVector(DIM, 0);
        const all = await index.search('t1', q, 10, {});
        expect(all.map((h) => h.id)).toEqual(expect.arrayContaining([near.id, far.id, bob.id]));
        expect(all.map((h) => h.id)).not.toContain(other.id);
        expect(all[0]!.score).toBeGreaterThan(all[all.length - 1]!.score);
        const alice = await index.search('t1', q, 10, { user_id: 'alice' });
        expect(alice.map((h) => h.id)).toEqual([near.id, far.id]);
        expect(alice[0]!.score).toBeGreaterThan(0.9);
        expect(
          (await index.search('t1', q, 10, { user_id: 'alice', namespace: 'work' })).map((h) => h.id),
        ).toEqual([far.id]);
        expect(await index.has('t1', near.id)).toBe(true);
        await index.delete('t1', [near.id]);
        expect(await index.has('t1', near.id)).toBe(false);
        expect((await index.search('t1', q, 10, { user_id: 'alice' })).map((h) => h.id)).toEqual([far.id]);
        await index.upsert([{ memory: far, vector: axisVector(DIM, 0) }]); // replace
        expect((await index.search('t1', q, 1, { user_id: 'alice' }))[0]).toMatchObject({ id: far.id });
      },
    );

    given(
      'textIndex',
      'finds by stemmed words, ranks better matches first, filters, deletes',
      async (index) => {
        const put = async (content: string, overrides: Parameters<typeof makeMemory>[0] = {}) => {
          const m = makeMemory({ content, ...overrides });
          await index.upsert([m]);
          return m;
        };
        const a = await put('Caroline went hiking in the mountains');
        const b = await put('Caroline likes painting; painting sunsets is her passion');
        const c = await put('painting lessons', { user_id: 'bob' });
        await put('painting in another tenant', { tenant_id: 't2' });
        const hits = await index.search('t1', 'paintings', 10, {});
        expect(hits.map((h) => h.id)).toEqual(expect.arrayContaining([b.id, c.id]));
        expect(hits).toHaveLength(2);
        expect((await index.search('t1', 'hike', 10, {})).map((h) => h.id)).toEqual([a.id]);
        expect((await index.search('t1', 'painting', 10, { user_id: 'alice' })).map((h) => h.id)).toEqual([
          b.id,
        ]);
        expect(await index.search('t1', 'the of and', 10, {})).toEqual([]);
        expect(await index.search('t1', '"unbalanced AND OR (', 10, {})).toEqual([]);
        await index.delete('t1', [b.id]);
        expect((await index.search('t1', 'painting', 10, { user_id: 'alice' })).map((h) => h.id)).toEqual([]);
        await index.upsert([{ ...a, content: 'Caroline now paints' }]);
        expect((await index.search('t1', 'hiking', 10, {})).map((h) => h.id)).toEqual([]);
        // A word the rewrite kept still finds it, and so does the same rewrite again (the repair job's).
        await index.upsert([{ ...a, content: 'Caroline now paints' }]);
        expect((await index.search('t1', 'Caroline', 10, { user_id: 'alice' })).map((h) => h.id)).toEqual([
          a.id,
        ]);
        const work = await put('paint the office walls', { namespace: 'work', metadata: { floor: 3 } });
        expect((await index.search('t1', 'paint', 10, {})).map((h) => h.id)).toHaveLength(3);
        expect((await index.search('t1', 'paint', 10, { namespace: 'work' })).map((h) => h.id)).toEqual([
          work.id,
        ]);
        expect(
          (await index.search('t1', 'paint', 10, { metadata: { floor: { gte: 3 } } })).map((h) => h.id),
        ).toEqual([work.id]);
      },
    );

    given(
      'graphStore',
      'entities are per user and case-insensitive; mentions and relations traverse',
      async (graph) => {
        const person = (name: string) => ({ name, kind: 'person' as const });
        await graph.writeMentions('t1', [
          {
            memory_id: 'mem_1',
            user_id: 'alice',
            entities: [person('Caroline'), { name: 'Sweden', kind: 'place' }],
          },
          // One entity per user and name, whatever its case and spacing; mentioned once.
          { memory_id: 'mem_2', user_id: 'alice', entities: [person('caroline'), person(' CAROLINE ')] },
          { memory_id: 'mem_9', user_id: 'bob', entities: [person('Caroline')] },
        ]);
        await graph.writeMentions('t1', [
          { memory_id: 'mem_2', user_id: 'alice', entities: [person('Caroline')] },
        ]); // replacing is idempotent
        const [caroline, ...more] = await graph.findEntities('t1', 'alice', ['CAROLINE']);
        expect(more).toEqual([]);
        expect(caroline!.name).toBe('Caroline');
        const [sweden] = await graph.findEntities('t1', 'alice', ['sweden']);
        const [bobs] = await graph.findEntities('t1', 'bob', ['Caroline']);
        expect(bobs!.id).not.toBe(caroline!.id);
        expect(await graph.findEntities('t2', null, ['Caroline'])).toEqual([]);
        expect(await graph.memoriesMentioningEach('t1', [[bobs!.id]], 10)).toEqual([
          [{ id: 'mem_9', score: 1 }],
        ]);
        await graph.writeMentions('t1', [{ memory_id: 'mem_9', user_id: 'bob', entities: [] }]);
        expect(await graph.memoriesMentioningEach('t1', [[bobs!.id]], 10)).toEqual([[]]);

        // Caroline is in both memories (1/2 each), Sweden only in mem_1 (1): rare entities weigh more.
        // Each set ranked on its own, as if asked alone; one call answers all of them.
        expect(
          await graph.memoriesMentioningEach(
            't1',
            [[caroline!.id, sweden!.id], [caroline!.id], [sweden!.id], []],
            10,
          ),
        ).toEqual([
          [
            { id: 'mem_1', score: 1.5 },
            { id: 'mem_2', score: 0.5 },
          ],
          [
            { id: 'mem_2', score: 0.5 },
            { id: 'mem_1', score: 0.5 },
          ],
          [{ id: 'mem_1', score: 1 }],
          [],
        ]);
        expect(
          (await graph.entitiesOf('t1', ['mem_1']))
            .get('mem_1')
            ?.map((e) => e.name)
            .sort(),
        ).toEqual(['Caroline', 'Sweden']);
        const rel = await graph.addRelation('t1', {
          source_id: 'mem_2',
          target_id: 'mem_3',
          type: 'FOLLOWS',
        });
        expect(rel).toMatchObject({
          source_id: 'mem_2',
          target_id: 'mem_3',
          type: 'FOLLOWS',
          tenant_id: 't1',
        });
        const hood = await graph.neighbors('t1', 'mem_1', 2, 100);
        expect(hood.nodes).toEqual(expect.arrayContaining(['mem_1', caroline!.id, sweden!.id, 'mem_2']));
        expect(hood.nodes).not.toContain('mem_3');
        expect((await graph.neighbors('t1', 'mem_1', 3, 100)).nodes).toContain('mem_3');
        expect((await graph.neighbors('t2', 'mem_1', 3, 100)).relations).toEqual([]);
        const path = await graph.path('t1', 'mem_1', 'mem_3', 4);
        expect(path?.map((r) => r.type)).toEqual(['MENTIONS', 'MENTIONS', 'FOLLOWS']);
        expect(await graph.path('t1', 'mem_1', 'mem_3', 2)).toBeNull();
        const page = await graph.listEntities('t1', { user_id: 'alice' }, { limit: 10 });
        expect(page.data.map((e) => [e.name, e.mentions]).sort()).toEqual([
          ['Caroline', 2],
          ['Sweden', 1],
        ]);
        await graph.removeNode('t1', 'mem_1');
        expect(await graph.memoriesMentioningEach('t1', [[sweden!.id]], 10)).toEqual([[]]);
        await graph.forgetUser('t1', 'alice');
        expect(await graph.findEntities('t1', 'alice', ['Caroline'])).toEqual([]);
        expect(await graph.findEntities('t1', 'bob', ['Caroline'])).toHaveLength(1);
      },
    );

    given('logStore', 'appends idempotently, pages newest first, filters, keeps feedback', async (logs) => {
      const at = nowIso();
      const query = (id: string, tenant = 't1', user: string | null = 'alice') => ({
        id,
        tenant_id: tenant,
        user_id: user,
        query: 'q',
        filters: {},
        top_k: 5,
        result_count: 1,
        latency_ms: 3,
        created_at: at,
      });
      const retrieval = (searchId: string, rank: number, tenant = 't1') => ({
        id: `${searchId}_${rank}`,
        search_id: searchId,
        tenant_id: tenant,
        memory_id: `mem_${rank}`,
        rank,
        score: 1 / rank,
        signals: { vector: 0.5, text: null, graph: 1, context: null },
        created_at: at,
      });
      await logs.append(
        [query('s1'), query('s2', 't1', 'bob')],
        [retrieval('s1', 1), retrieval('s1', 2), retrieval('s2', 1)],
      );
      await logs.append([query('s1'), query('x1', 't2')], [retrieval('s1', 1), retrieval('x1', 1, 't2')]);
      const page1 = await logs.listQueries('t1', {}, { limit: 1 });
      expect(page1.data.map((q) => q.id)).toEqual(['s2']);
      const page2 = await logs.listQueries('t1', {}, { limit: 1, cursor: page1.next_cursor });
      expect(page2.data.map((q) => q.id)).toEqual(['s1']);
      expect(page2.next_cursor).toBeNull();
      expect((await logs.listQueries('t1', { user_id: 'bob' }, { limit: 10 })).data.map((q) => q.id)).toEqual(
        ['s2'],
      );
      const r = await logs.listRetrievals('t1', { search_id: 's1' }, { limit: 10 });
      expect(r.data.map((x) => x.rank).sort()).toEqual([1, 2]);
      expect(r.data[0]!.signals).toEqual({ vector: 0.5, text: null, graph: 1, context: null });
      expect((await logs.listRetrievals('t1', {}, { limit: 10 })).data).toHaveLength(3);
      expect(await logs.getQuery('t2', 's1')).toBeNull();
      expect((await logs.getQuery('t1', 's1'))?.query).toBe('q');
      await logs.addFeedback({
        id: 'fb1',
        tenant_id: 't1',
        search_id: 's1',
        memory_id: 'mem_1',
        signal: 'positive',
        comment: null,
        created_at: at,
      });
      expect((await logs.listFeedback('t1', 's1')).map((f) => f.signal)).toEqual(['positive']);
      expect(await logs.listFeedback('t2', 's1')).toEqual([]);
    });

    given('batchStore', 'keeps a batch and its items, scoped by tenant', async (batches) => {
      const batch: BatchJob = {
        id: newId('batch'),
        tenant_id: 't1',
        status: 'queued',
        total: 2,
        succeeded: 0,
        failed: 0,
        errors: [],
        memory_ids: ['mem_a', 'mem_b'],
        cursor: 0,
        webhook_url: null,
        webhook_secret: null,
        created_at: nowIso(),
        updated_at: nowIso(),
        completed_at: null,
      };
      await batches.create(batch, [{ content: 'a' }, { content: 'b' }, 'not an object', 7]);
      expect(await batches.get('t2', batch.id)).toBeNull();
      expect(await batches.items('t1', batch.id)).toEqual([
        { content: 'a' },
        { content: 'b' },
        'not an object',
        7,
      ]);
      expect(await batches.items('t2', batch.id)).toEqual([]);
      // Slices, as a workflow's chunks read them: any item shape survives, ends are clipped.
      expect(await batches.items('t1', batch.id, { start: 1, end: 3 })).toEqual([
        { content: 'b' },
        'not an object',
      ]);
      expect(await batches.items('t1', batch.id, { start: 3, end: 10 })).toEqual([7]);
      expect(await batches.items('t1', batch.id, { start: 4, end: 10 })).toEqual([]);
      await batches.save({ ...batch, cursor: 2, succeeded: 2, status: 'completed' });
      expect(await batches.get('t1', batch.id)).toMatchObject({
        cursor: 2,
        succeeded: 2,
        status: 'completed',
      });
      // Streamed in: pages put before the record, read back across page boundaries.
      const streamed = { ...batch, id: newId('batch'), total: 600 };
      const many = Array.from({ length: 600 }, (_, i) => ({ content: `item ${i}` }));
      for (let start = 0; start < many.length; start += 250) {
        await batches.putItems('t1', streamed.id, start, many.slice(start, start + 250));
      }
      await batches.create(streamed);
      expect(await batches.items('t1', streamed.id, { start: 240, end: 260 })).toEqual(many.slice(240, 260));
      expect(await batches.items('t1', streamed.id, { start: 590, end: 700 })).toEqual(many.slice(590));
      expect(await batches.items('t1', streamed.id)).toHaveLength(600);
      await batches.remove('t1', streamed.id);
      expect(await batches.items('t1', streamed.id)).toEqual([]);

      await batches.remove('t2', batch.id);
      expect(await batches.get('t1', batch.id)).not.toBeNull();
      await batches.remove('t1', batch.id);
      expect(await batches.get('t1', batch.id)).toBeNull();
    });

    given(
      'idempotencyStore',
      'claims a key once, replays its answer, and frees stale claims',
      async (keys) => {
        const now = Date.now();
        const record = {
          tenant_id: 't1',
          key: `k-${newId('x')}`,
          request_hash: 'h1',
          status: null,
          body: null,
          expires_at: now + 60_000,
          locked_until: now + 5_000,
        };
        expect(await keys.claim(record, now)).toBeNull();
        // Held while it runs; another tenant's same key is its own.
        expect(await keys.claim({ ...record, request_hash: 'h2' }, now + 1)).toMatchObject({
          request_hash: 'h1',
          status: null,
        });
        expect(await keys.claim({ ...record, tenant_id: 't2' }, now)).toBeNull();
        await keys.complete('t1', record.key, 201, { id: 'mem_1', nested: { a: [1, 2] } });
        expect(await keys.claim(record, now + 10_000)).toMatchObject({
          status: 201,
          body: { id: 'mem_1', nested: { a: [1, 2] } },
        });
        // Expired: forgotten, the key is new again.
        expect(await keys.claim(record, now + 61_000)).toBeNull();
        // A claim whose request never answered is taken over after its lock.
        expect(await keys.claim({ ...record, locked_until: now + 62_000 }, now + 63_000)).toBeNull();
        await keys.release('t1', record.key);
        expect(await keys.claim(record, now + 63_001)).toBeNull();
      },
    );

    given(
      'webhookStore',
      'subscriptions and deliveries, scoped by tenant; repeated delivery ids are ignored',
      async (hooks) => {
        const sub: WebhookSubscription = {
          id: newId('wh'),
          tenant_id: 't1',
          url: 'https://example.com/hook',
          events: ['memory.created'],
          secret: 'whsec_abc',
          description: null,
          active: true,
          created_at: nowIso(),
        };
        await hooks.createSubscription(sub);
        expect(await hooks.getSubscription('t2', sub.id)).toBeNull();
        expect(await hooks.listSubscriptions('t1')).toEqual([sub]);
        const delivery: WebhookDelivery = {
          id: 'msg_1',
          tenant_id: 't1',
          subscription_id: sub.id,
          url: sub.url,
          event: 'memory.created',
          payload: { a: 1 },
          status: 'pending',
          attempts: 0,
          last_status_code: null,
          last_error: null,
          created_at: nowIso(),
          updated_at: nowIso(),
        };
        await hooks.createDelivery(delivery);
        await hooks.createDelivery({ ...delivery, payload: { a: 2 } });
        expect((await hooks.getDelivery('t1', 'msg_1'))?.payload).toEqual({ a: 1 });
        await hooks.updateDelivery({ ...delivery, status: 'delivered', attempts: 1 });
        const list = await hooks.listDeliveries('t1', sub.id, { limit: 10 });
        expect(list.data.map((d) => [d.id, d.status, d.attempts])).toEqual([['msg_1', 'delivered', 1]]);
        expect(await hooks.getDelivery('t2', 'msg_1')).toBeNull();
        expect(await hooks.deleteSubscription('t2', sub.id)).toBe(false);
        expect(await hooks.deleteSubscription('t1', sub.id)).toBe(true);
      },
    );

    given(
      'jobStore',
      'ids are idempotent; a claim is exclusive until its lease runs out; failures retry then die',
      async (jobs) => {
        const job = (id: string, runAt = 0) => ({
          id,
          kind: 'k',
          tenant_id: 't1',
          payload: { n: id },
          status: 'pending' as const,
          attempts: 0,
          run_at: runAt,
          last_error: null,
          created_at: nowIso(),
        });
        expect(await jobs.put(job('a'))).toBe(true);
        expect(await jobs.put(job('a'))).toBe(false);
        await jobs.put(job('later', 10_000));
        const claimed = await jobs.claim(['k'], 1000, 500, 10);
        expect(claimed.map((j) => [j.id, j.attempts, j.payload])).toEqual([['a', 1, { n: 'a' }]]);
        expect(await jobs.claim(['k'], 1200, 500, 10)).toEqual([]); // leased
        await jobs.extend('a', 1700); // its worker is alive
        expect(await jobs.claim(['k'], 1600, 500, 10)).toEqual([]);
        expect((await jobs.claim(['k'], 1800, 500, 10)).map((j) => [j.id, j.attempts])).toEqual([['a', 2]]); // lease ran out
        await jobs.fail('a', 'boom', 5000);
        expect(await jobs.claim(['k'], 4000, 500, 10)).toEqual([]);
        expect(await jobs.counts(4000)).toMatchObject({ due: 0, scheduled: 2, oldest_due_at: null });
        expect((await jobs.counts(11_000)).oldest_due_at).toBe(5000); // 'a' has waited since 5000
        expect(await jobs.claim(['other'], 6000, 500, 10)).toEqual([]);
        const retry = await jobs.claim(['k'], 6000, 500, 10);
        expect(retry.map((j) => j.id)).toEqual(['a']);
        await jobs.fail('a', 'boom again', null);
        expect(await jobs.get('a')).toMatchObject({ status: 'dead', last_error: 'boom again', attempts: 3 });
        expect((await jobs.listDead('t1', { limit: 10 })).data.map((j) => [j.id, j.last_error])).toEqual([
          ['a', 'boom again'],
        ]);
        expect((await jobs.listDead('t2', { limit: 10 })).data).toEqual([]);
        expect(await jobs.revive('t2', 'a', 7000)).toBe(false); // another tenant's job
        expect(await jobs.revive('t1', 'later', 7000)).toBe(false); // not dead
        expect(await jobs.revive('t1', 'a', 7000)).toBe(true);
        expect(await jobs.get('a')).toMatchObject({ status: 'pending', attempts: 0, run_at: 7000 });
        expect((await jobs.claim(['k'], 7000, 500, 10)).map((j) => [j.id, j.attempts])).toEqual([['a', 1]]);
        await jobs.fail('a', 'boom for good', null);
        const [later] = await jobs.claim(['k'], 20_000, 500, 10);
        await jobs.complete(later!.id);
        expect(await jobs.counts(20_000)).toMatchObject({ due: 0, running: 0, done: 1, dead: 1 });
      },
    );
  });
}
