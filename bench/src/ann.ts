import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeMemory } from '@engram/core/testing';
import { StaticEmbedder } from '@engram/embed-static';
import { openSqliteStores, type SqliteStores } from '@engram/store-sqlite';
import type { Question, Turn } from './locomo';
import { percentile, round } from './metrics';
import { corpus } from './speed';

const TENANT = 'bench';

/**
 * Tenant-wide search with no filter, in process: the exact scan against the approximate
 * index over the same file and the same queries. Recall is the share of the exact top 10
 * found; the corpus repeats each LoCoMo turn with a different note number, so near-ties are
 * common and "within the exact 10th distance" is reported beside the strict count.
 */
export async function annBench(turns: Turn[], questions: Question[], size: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-ann-'));
  const file = path.join(dir, 'engram.db');
  const embedder = new StaticEmbedder();
  const model = { id: embedder.modelId, dimension: embedder.dimension };
  const open = async (minVectors: number) => {
    const stores = openSqliteStores(file, { ann: { minVectors } });
    await stores.vectorIndex.init(model);
    return stores;
  };

  const writer = await open(Number.MAX_SAFE_INTEGER);
  // Grouped by user, as a batch of one user's memories arrives: vec0 writes partitions in order.
  const items = corpus(turns, size).sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
  for (let i = 0; i < items.length; i += 1_000) {
    const chunk = items.slice(i, i + 1_000);
    const vectors = await embedder.embed(chunk.map((m) => m.content));
    await writer.vectorIndex.upsert(
      chunk.map((m, j) => ({ memory: makeMemory({ tenant_id: TENANT, ...m }), vector: vectors[j]! })),
    );
  }
  const queries = await embedder.embed(questions.slice(0, 300).map((q) => q.question));

  // These searches also mark the tenant as one that searches without a filter, which is what
  // gets it an approximate index when the file is opened below.
  const exactMs: number[] = [];
  const exact = [];
  for (const q of queries) {
    const t = performance.now();
    exact.push(await writer.vectorIndex.search(TENANT, q, 10, {}));
    exactMs.push(performance.now() - t);
  }
  await closeStores(writer);

  const started = performance.now();
  const approximate = await open(1);
  while (approximate.vectorIndex.approximateStatus(TENANT) !== 'ready')
    await new Promise((r) => setTimeout(r, 50));
  const buildSeconds = (performance.now() - started) / 1000;
  const annMs: number[] = [];
  let strict = 0;
  let withinTies = 0;
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    const hits = await approximate.vectorIndex.search(TENANT, q, 10, {});
    annMs.push(performance.now() - t);
    const truth = new Set(exact[i]!.map((h) => h.id));
    const tenth = exact[i]![exact[i]!.length - 1]!.score;
    strict += hits.filter((h) => truth.has(h.id)).length;
    withinTies += hits.filter((h) => truth.has(h.id) || h.score >= tenth - 1e-3).length;
  }
  await closeStores(approximate);
  rmSync(dir, { recursive: true, force: true });

  const stats = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return { p50_ms: round(percentile(ms, 50), 2), p95_ms: round(percentile(ms, 95), 2) };
  };
  const total = queries.length * 10;
  return {
    vectors: size,
    dimension: model.dimension,
    exact: stats(exactMs),
    approximate: { ...stats(annMs), build_seconds: round(buildSeconds, 1) },
    recall_at_10: round(strict / total, 3),
    recall_at_10_within_ties: round(withinTies / total, 3),
  };
}

async function closeStores(stores: SqliteStores): Promise<void> {
  await stores.vectorIndex.close();
  stores.db.close();
}
