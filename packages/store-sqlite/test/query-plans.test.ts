import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MemoryFilter } from '@engram/core';
import { makeMemory } from '@engram/core/testing';
import { type Db, openSqliteStores, type SqliteStores } from '../src';

/** Every statement the stores prepare while `work` runs, with the arguments it ran with. */
async function statementsOf(
  db: Db,
  work: () => Promise<unknown>,
): Promise<{ sql: string; args: unknown[] }[]> {
  const seen: { sql: string; args: unknown[] }[] = [];
  const prepare = db.prepare;
  db.prepare = ((sql: string) => {
    const statement = prepare.call(db, sql);
    return new Proxy(statement, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'all' && key !== 'get' && key !== 'run') return value;
        return (...args: unknown[]) => {
          seen.push({ sql, args });
          return value.apply(target, args);
        };
      },
    });
  }) as Db['prepare'];
  try {
    await work();
  } finally {
    db.prepare = prepare;
  }
  return seen;
}

/** The steps of a statement's plan that read a whole tenant's rows of a large table. */
function tenantScans(db: Db, { sql, args }: { sql: string; args: unknown[] }): string[] {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...args)
    .map((r) => r.detail)
    .filter(
      (d) =>
        /^SCAN (edges|entities|index_keys|memories|query_logs)\b/.test(d) ||
        /^SEARCH (edges|entities|index_keys|query_logs|e|x|k) USING (COVERING )?INDEX \w+ \(tenant_id=\?\)$/.test(
          d,
        ),
    );
}

/**
 * The planner has no statistics (no ANALYZE), so its choices depend on the SQL and the indexes,
 * not on how many rows there are: a plan that scans a tenant here scans a million rows there.
 * Each case below once did (a depth-2 graph walk took 11 s at 100,000 memories, a memory's
 * delete 99 ms, a user's search with a namespace filter 32 ms).
 */
describe('query plans', () => {
  let stores: SqliteStores;
  const memories = [
    makeMemory({ user_id: 'alice', namespace: 'work', content: 'Alice met Bob in Paris' }),
    makeMemory({ user_id: 'alice', namespace: 'home', content: 'Alice painted the kitchen' }),
    makeMemory({ user_id: 'bob', content: 'Bob flew to Paris' }),
  ];

  beforeAll(async () => {
    stores = openSqliteStores(path.join(mkdtempSync(path.join(tmpdir(), 'engram-plans-')), 'engram.db'));
    for (const m of memories) await stores.memoryStore.insert(m);
    await stores.vectorIndex.init({ id: 'test-model', dimension: 8 });
    await stores.textIndex.upsert(memories);
    await stores.vectorIndex.upsert(
      memories.map((memory, i) => ({ memory, vector: new Float32Array(8).fill(0.1 * (i + 1)) })),
    );
    await stores.graphStore.writeMentions(
      't1',
      memories.map((m) => ({
        memory_id: m.id,
        user_id: m.user_id,
        entities: [
          { name: 'Paris', kind: 'place' },
          { name: m.user_id === 'bob' ? 'Bob' : 'Alice', kind: 'person' },
        ],
      })),
    );
  });
  afterAll(() => stores.db.close());

  const cases: [string, () => Promise<unknown>][] = [
    ['a graph walk', () => stores.graphStore.neighbors('t1', memories[0]!.id, 2, 50)],
    ['a shortest path', () => stores.graphStore.path('t1', memories[0]!.id, memories[2]!.id, 4)],
    ['the entities of memories', () => stores.graphStore.entitiesOf('t1', [memories[0]!.id])],
    ['names across the tenant', () => stores.graphStore.findEntities('t1', null, ['Paris'])],
    [
      'the memories mentioning entities',
      async () => {
        const [paris] = await stores.graphStore.findEntities('t1', 'alice', ['Paris']);
        return stores.graphStore.memoriesMentioningEach('t1', [[paris!.id]], 50);
      },
    ],
    ["a memory's edges removed", () => stores.graphStore.removeNode('t1', memories[1]!.id)],
    ["a user's graph forgotten", () => stores.graphStore.forgetUser('t1', 'carol')],
    [
      "a session's turns around a memory",
      () => stores.memoryStore.sessionNeighbors('t1', memories[0]!.id, 2),
    ],
    [
      "a user's memories listed",
      () => stores.memoryStore.list('t1', { user_id: 'alice' }, { limit: 10, cursor: null }),
    ],
    ["a user's memory ids", () => stores.memoryStore.listIds('t1', { user_id: 'alice' })],
    ['a memory deleted', () => stores.memoryStore.delete('t1', memories[1]!.id)],
    ["a user's query logs", () => stores.logStore.listQueries('t1', { user_id: 'alice' }, { limit: 10 })],
    ["a user's entities", () => stores.graphStore.listEntities('t1', { user_id: 'alice' }, { limit: 10 })],
    [
      'memories removed from the indexes',
      () =>
        Promise.all([
          stores.textIndex.delete('t1', [memories[1]!.id]),
          stores.vectorIndex.delete('t1', [memories[1]!.id]),
        ]),
    ],
    ...(
      [
        { user_id: 'alice' },
        { user_id: 'alice', namespace: 'work' },
        { user_id: 'alice', tags: ['x'] },
      ] as MemoryFilter[]
    ).map((filter): [string, () => Promise<unknown>] => [
      `a user's search with ${JSON.stringify(filter)}`,
      () =>
        Promise.all([
          stores.vectorIndex.search('t1', new Float32Array(8).fill(0.1), 10, filter),
          stores.textIndex.search('t1', 'Paris kitchen', 10, filter),
        ]),
    ]),
    ...([{}, { namespace: 'work' }] as MemoryFilter[]).map((filter): [string, () => Promise<unknown>] => [
      `a full-text search across the tenant with ${JSON.stringify(filter)}`,
      () => stores.textIndex.search('t1', 'Paris kitchen', 10, filter),
    ]),
  ];

  it.each(cases)('%s reads by index, never a scan of the tenant', async (_, work) => {
    const statements = await statementsOf(stores.db, work);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements)
      expect({ sql: statement.sql, scans: tenantScans(stores.db, statement) }).toEqual({
        sql: statement.sql,
        scans: [],
      });
  });
});
