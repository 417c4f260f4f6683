import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeMemory } from '@engram/core/testing';
import { openSqliteStores, type SqliteStores } from '../src';

const DIM = 32;

/** A deterministic pseudo-random unit vector per seed. */
function vectorOf(seed: number): Float32Array {
  let x = seed * 2654435761;
  const v = Float32Array.from({ length: DIM }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 30 - 1;
  });
  const norm = Math.hypot(...v);
  return v.map((c) => c / norm);
}

const untilReady = async (stores: SqliteStores, tenant: string) => {
  for (let i = 0; i < 2_000 && stores.vectorIndex.approximateStatus(tenant) !== 'ready'; i++)
    await new Promise((r) => setTimeout(r, 5));
  expect(stores.vectorIndex.approximateStatus(tenant)).toBe('ready');
};

describe('approximate index for tenant-wide search without a filter', () => {
  let stores: SqliteStores;
  const memories = Array.from({ length: 600 }, (_, i) =>
    makeMemory({ user_id: `u${i % 7}`, content: `m${i}` }),
  );

  const exactTop = (query: Float32Array, k: number) =>
    memories
      .map((m, i) => ({ id: m.id, score: vectorOf(i).reduce((s, x, d) => s + x * query[d]!, 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map((h) => h.id);

  beforeAll(async () => {
    stores = openSqliteStores(':memory:', { ann: { minVectors: 500, buildChunk: 64 } });
    await stores.vectorIndex.init({ id: 'test-model', dimension: DIM });
    await stores.vectorIndex.upsert(memories.map((memory, i) => ({ memory, vector: vectorOf(i) })));
    // A small tenant stays exact.
    await stores.vectorIndex.upsert([{ memory: makeMemory({ tenant_id: 't2' }), vector: vectorOf(1) }]);
  });
  afterAll(async () => {
    await stores.vectorIndex.close();
    stores.db.close();
  });

  it('answers exactly while it builds in the background, then finds the exact neighbours', async () => {
    const exact = await stores.vectorIndex.search('t1', vectorOf(3), 10, {});
    expect(exact[0]!.id).toBe(memories[3]!.id);
    expect(stores.vectorIndex.approximateStatus('t1')).toBe('building');
    await untilReady(stores, 't1');
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const query = vectorOf(10_000 + q);
      const truth = new Set(exactTop(query, 10));
      const approx = await stores.vectorIndex.search('t1', query, 10, {});
      found += approx.filter((h) => truth.has(h.id)).length;
    }
    expect(found / 200).toBeGreaterThanOrEqual(0.9);
    await stores.vectorIndex.search('t2', vectorOf(1), 10, {});
    expect(stores.vectorIndex.approximateStatus('t2')).toBe('exact');
  });

  it('follows updates and deletes at once', async () => {
    await untilReady(stores, 't1');
    const [moved, gone] = [memories[5]!, memories[6]!];
    await stores.vectorIndex.upsert([{ memory: moved, vector: vectorOf(777_777) }]);
    await stores.vectorIndex.delete('t1', [gone.id]);
    const top = await stores.vectorIndex.search('t1', vectorOf(777_777), 3, {});
    expect(top[0]).toMatchObject({ id: moved.id });
    expect(top[0]!.score).toBeCloseTo(1, 2);
    const near = await stores.vectorIndex.search('t1', vectorOf(6), 20, {});
    expect(near.map((h) => h.id)).not.toContain(gone.id);
    const added = makeMemory({ content: 'new' });
    await stores.vectorIndex.upsert([{ memory: added, vector: vectorOf(888_888) }]);
    expect((await stores.vectorIndex.search('t1', vectorOf(888_888), 1, {}))[0]).toMatchObject({
      id: added.id,
    });
  });

  it('keeps per-user and filtered searches exact', async () => {
    const hits = await stores.vectorIndex.search('t1', vectorOf(12), 5, { user_id: 'u5' });
    expect(hits[0]!.id).toBe(memories[12]!.id);
    expect(hits.every((h) => memories.find((m) => m.id === h.id)?.user_id === 'u5')).toBe(true);
  });
});

describe('approximate index after a restart', () => {
  it('starts building for large tenants that search without a filter when the file is opened, before any search', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'engram-ann-')), 'engram.db');
    const model = { id: 'test-model', dimension: DIM };
    const first = openSqliteStores(file, { ann: { minVectors: 100 } });
    await first.vectorIndex.init(model);
    const memories = Array.from({ length: 150 }, (_, i) => makeMemory({ user_id: `u${i % 3}` }));
    const perUserOnly = Array.from({ length: 150 }, () => makeMemory({ tenant_id: 'per-user' }));
    await first.vectorIndex.upsert(memories.map((memory, i) => ({ memory, vector: vectorOf(i) })));
    await first.vectorIndex.upsert(perUserOnly.map((memory, i) => ({ memory, vector: vectorOf(i) })));
    await first.vectorIndex.search('t1', vectorOf(0), 5, {}); // stopped before its index is ready
    await first.vectorIndex.search('per-user', vectorOf(0), 5, { user_id: 'alice' });
    await first.vectorIndex.close();
    first.db.close();

    const second = openSqliteStores(file, { ann: { minVectors: 100 } });
    await second.vectorIndex.init(model);
    expect(second.vectorIndex.approximateStatus('t1')).toBe('building');
    // Never searched without a filter: no index to keep up at every write.
    expect(second.vectorIndex.approximateStatus('per-user')).toBe('exact');
    await untilReady(second, 't1');
    // The file's vectors are in the index it built: a vector's own memory is among its five
    // nearest (an approximate search is asked for five, not one).
    const found = await second.vectorIndex.search('t1', vectorOf(42), 5, {});
    expect(found.map((hit) => hit.id)).toContain(memories[42]!.id);
    await second.vectorIndex.close();
    second.db.close();
  });

  it('loads the index saved at close, with the changes made since, and only for its own file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engram-ann-'));
    const file = path.join(dir, 'engram.db');
    const model = { id: 'test-model', dimension: DIM };
    const memories = Array.from({ length: 150 }, (_, i) => makeMemory({ user_id: `u${i % 3}` }));
    const first = openSqliteStores(file, { ann: { minVectors: 100 } });
    await first.vectorIndex.init(model);
    await first.vectorIndex.upsert(memories.map((memory, i) => ({ memory, vector: vectorOf(i) })));
    await first.vectorIndex.search('t1', vectorOf(0), 5, {});
    await untilReady(first, 't1');
    // What two saves that died mid-write left: one an hour ago, one (another process's, say)
    // still being written.
    mkdirSync(`${file}-ann`, { recursive: true });
    const abandoned = path.join(`${file}-ann`, 'x.t1.5.usearch.999.tmp');
    const inProgress = path.join(`${file}-ann`, 'x.t1.6.usearch.998.tmp');
    writeFileSync(abandoned, 'partial');
    writeFileSync(inProgress, 'partial');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(abandoned, anHourAgo, anHourAgo);
    await first.vectorIndex.close();
    first.db.close();
    expect(readdirSync(`${file}-ann`).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(inProgress)).toBe(true);

    // Changes while no process holds the index (one never large enough to build it).
    const offline = openSqliteStores(file, { ann: { minVectors: 1_000_000 } });
    await offline.vectorIndex.init(model);
    const added = makeMemory({ content: 'added while closed' });
    await offline.vectorIndex.upsert([{ memory: added, vector: vectorOf(9_999) }]);
    await offline.vectorIndex.delete('t1', [memories[7]!.id]);
    await offline.vectorIndex.close();
    offline.db.close();

    const second = openSqliteStores(file, { ann: { minVectors: 100 } });
    await second.vectorIndex.init(model);
    expect(second.vectorIndex.approximateStatus('t1')).toBe('ready'); // loaded, not building
    expect((await second.vectorIndex.search('t1', vectorOf(9_999), 1, {}))[0]).toMatchObject({
      id: added.id,
    });
    const near7 = await second.vectorIndex.search('t1', vectorOf(7), 10, {});
    expect(near7.map((h) => h.id)).not.toContain(memories[7]!.id);
    expect(near7).toHaveLength(10);
    await second.vectorIndex.close();
    second.db.close();

    // A new data file at the same path never loads the old file's index.
    for (const f of readdirSync(dir))
      if (f.startsWith('engram.db') && !f.endsWith('-ann')) rmSync(path.join(dir, f));
    const fresh = openSqliteStores(file, { ann: { minVectors: 100 } });
    await fresh.vectorIndex.init(model);
    await fresh.vectorIndex.upsert(
      Array.from({ length: 120 }, (_, i) => ({ memory: makeMemory(), vector: vectorOf(50_000 + i) })),
    );
    const reopened = openSqliteStores(file, { ann: { minVectors: 100 } });
    await reopened.vectorIndex.init(model);
    expect(reopened.vectorIndex.approximateStatus('t1')).toBe('exact'); // not searched in this file
    await reopened.vectorIndex.search('t1', vectorOf(0), 5, {});
    expect(reopened.vectorIndex.approximateStatus('t1')).toBe('building'); // built, not loaded
    for (const s of [fresh, reopened]) {
      await s.vectorIndex.close();
      s.db.close();
    }
  });
});

describe('approximate index for a growing tenant', () => {
  it('starts building when writes take a tenant that searches without a filter past the threshold', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'engram-ann-')), 'engram.db');
    const model = { id: 'test-model', dimension: DIM };
    const grows = Array.from({ length: 60 }, () => makeMemory({ tenant_id: 'grows' }));
    const perUser = Array.from({ length: 60 }, () => makeMemory({ tenant_id: 'per-user' }));
    const stores = openSqliteStores(file, { ann: { minVectors: 50 } });
    await stores.vectorIndex.init(model);
    await stores.vectorIndex.upsert(grows.slice(0, 10).map((memory, i) => ({ memory, vector: vectorOf(i) })));
    await stores.vectorIndex.search('grows', vectorOf(0), 5, {});
    expect(stores.vectorIndex.approximateStatus('grows')).toBe('exact');
    // Counted again only after a minute: another connection stands in for the minute passing.
    const later = openSqliteStores(file, { ann: { minVectors: 50 } });
    await later.vectorIndex.init(model);
    await later.vectorIndex.upsert(
      grows.slice(10, 55).map((memory, i) => ({ memory, vector: vectorOf(10 + i) })),
    );
    await later.vectorIndex.upsert(perUser.map((memory, i) => ({ memory, vector: vectorOf(i) })));
    await later.vectorIndex.upsert([{ memory: grows[55]!, vector: vectorOf(55) }]);
    expect(later.vectorIndex.approximateStatus('grows')).not.toBe('exact');
    expect(later.vectorIndex.approximateStatus('per-user')).toBe('exact'); // never searched without a filter
    await untilReady(later, 'grows');
    // The vector written last is in the index: among its own five nearest (an approximate
    // search is asked for five, not one).
    const found = await later.vectorIndex.search('grows', vectorOf(55), 5, {});
    expect(found.map((hit) => hit.id)).toContain(grows[55]!.id);
    for (const s of [stores, later]) {
      await s.vectorIndex.close();
      s.db.close();
    }
  });
});

describe('approximate indexes of two processes sharing one file', () => {
  // Two connections to one file stand for two server processes (ENGRAM_PROCESSES).
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'engram-ann-')), 'engram.db');
  const memories = Array.from({ length: 300 }, (_, i) => makeMemory({ content: `m${i}` }));
  let writer: SqliteStores;
  let reader: SqliteStores;

  beforeAll(async () => {
    writer = openSqliteStores(file, { ann: { minVectors: 200, buildChunk: 64 } });
    await writer.vectorIndex.init({ id: 'test-model', dimension: DIM });
    await writer.vectorIndex.upsert(memories.map((memory, i) => ({ memory, vector: vectorOf(i) })));
    await writer.vectorIndex.search('t1', vectorOf(0), 5, {}); // the tenant searches without a filter
    reader = openSqliteStores(file, { ann: { minVectors: 200, buildChunk: 64 } });
    await reader.vectorIndex.init({ id: 'test-model', dimension: DIM });
    await untilReady(reader, 't1');
  });
  afterAll(async () => {
    for (const stores of [writer, reader]) {
      await stores.vectorIndex.close();
      stores.db.close();
    }
  });

  it('finds a vector another process wrote after its index was built, and forgets one it removed', async () => {
    const added = makeMemory({ content: 'new' });
    await writer.vectorIndex.upsert([{ memory: added, vector: vectorOf(5_000) }]);
    expect((await reader.vectorIndex.search('t1', vectorOf(5_000), 1, {}))[0]!.id).toBe(added.id);
    expect(reader.vectorIndex.approximateStatus('t1')).toBe('ready');

    // Rewritten with another vector: found by the new one, not the old.
    await writer.vectorIndex.upsert([{ memory: memories[7]!, vector: vectorOf(6_000) }]);
    expect((await reader.vectorIndex.search('t1', vectorOf(6_000), 1, {}))[0]!.id).toBe(memories[7]!.id);
    expect((await reader.vectorIndex.search('t1', vectorOf(7), 1, {}))[0]?.id).not.toBe(memories[7]!.id);

    await writer.vectorIndex.delete('t1', [added.id]);
    const after = await reader.vectorIndex.search('t1', vectorOf(5_000), 10, {});
    expect(after.map((h) => h.id)).not.toContain(added.id);
  });
});
