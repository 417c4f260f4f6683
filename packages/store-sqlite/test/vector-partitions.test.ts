import { axisVector, makeMemory } from '@engram/core/testing';
import { openSqliteStores } from '../src';

describe('per-user vector search', () => {
  it("reads one user's chunks through an index, and only that user's vectors", async () => {
    const { db, vectorIndex } = openSqliteStores(':memory:');
    await vectorIndex.init({ id: 'test-model', dimension: 16 });
    const users = ['alice', 'bob', 'carol'];
    const memories = Array.from({ length: 300 }, (_, i) => makeMemory({ user_id: users[i % 3]! }));
    await vectorIndex.upsert(
      memories.map((memory, i) => ({ memory, vector: axisVector(16, i % 16, i / 300) })),
    );

    const bobs = new Set(memories.filter((m) => m.user_id === 'bob').map((m) => m.id));
    const hits = await vectorIndex.search('t1', axisVector(16, 4), 20, { user_id: 'bob' });
    expect(hits).toHaveLength(20);
    for (const hit of hits) expect(bobs.has(hit.id)).toBe(true);

    // vec0 selects a partition's chunks with `partition00 = ?`: the plan must search, not scan.
    const plan = db
      .prepare<[string], { detail: string }>(
        'EXPLAIN QUERY PLAN SELECT chunk_id, validity, rowids FROM memory_vectors_chunks WHERE partition00 = ?',
      )
      .all('t1\u001fbob')
      .map((r) => r.detail)
      .join('; ');
    expect(plan).toContain('USING INDEX memory_vectors_chunks_by_partition');
    db.close();
  });
});
