import {
  type EmbeddingModelInfo,
  EngramError,
  type IndexedMemory,
  type MemoryFilter,
  type ScoredId,
  type TextIndex,
  type VectorIndex,
} from '@engram/core';
import {
  type AnnHit,
  AnnIndexes,
  type AnnOptions,
  type AnnStatus,
  type ApproximateIndexes,
} from './ann-index';
import { AnnThread } from './ann-thread';
import { type Bm25Parameters, bm25Scores, FTS5_BM25, ScopeStatistics, tokenizerWords } from './bm25';
import type { Db } from './database';
import { filterSql, narrowsBeyondUser } from './sql-helpers';
import { UserTermsBackfill, userTermsQuery, writeUserTerms } from './user-terms';

/**
 * A stable integer key per (tenant, memory), shared by the vector and full-text tables. The row
 * also keeps the memory's filterable fields, so searches filter here and never need the
 * memories table (which is empty when the MemoryStore lives in another database).
 */
function keyOf(db: Db, memory: IndexedMemory): number {
  db.prepare(
    `INSERT INTO index_keys (tenant_id, memory_id, user_id, namespace, agent_id, session_id, type, metadata, tags, created_at)
     VALUES (@tenant_id, @id, @user_id, @namespace, @agent_id, @session_id, @type, @metadata, @tags, @created_at)
     ON CONFLICT (tenant_id, memory_id) DO UPDATE SET user_id = excluded.user_id, namespace = excluded.namespace,
       agent_id = excluded.agent_id, session_id = excluded.session_id, type = excluded.type,
       metadata = excluded.metadata, tags = excluded.tags, created_at = excluded.created_at`,
  ).run({
    tenant_id: memory.tenant_id,
    id: memory.id,
    user_id: memory.user_id,
    namespace: memory.namespace,
    agent_id: memory.agent_id,
    session_id: memory.session_id,
    type: memory.type,
    metadata: JSON.stringify(memory.metadata),
    tags: JSON.stringify(memory.tags),
    created_at: memory.created_at,
  });
  return (
    db
      .prepare('SELECT rowid FROM index_keys WHERE tenant_id = ? AND memory_id = ?')
      .get(memory.tenant_id, memory.id) as { rowid: number }
  ).rowid;
}

function existingKeys(db: Db, tenantId: string, ids: string[]): number[] {
  return db
    .prepare<[string, string], { rowid: number }>(
      'SELECT rowid FROM index_keys WHERE tenant_id = ? AND memory_id IN (SELECT value FROM json_each(?))',
    )
    .all(tenantId, JSON.stringify(ids))
    .map((r) => r.rowid);
}

/** Partition value: kNN inside one user's memories reads only that user's vectors. */
const userKey = (tenantId: string, userId: string | null) => `${tenantId}\u001f${userId ?? ''}`;

type Row = { id: string; distance: number };

const asBlob = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

/**
 * sqlite-vec `vec0` with the (tenant, user) pair as partition key, so per-user search, the
 * common case for memory, is an exact kNN over that user's vectors only. A filter that says
 * more than the user (namespace, metadata, time…) is applied in SQL first and the remaining
 * rows are scanned exactly, so a filter never silently loses matches. A search with no filter
 * at all, over a large tenant, goes to an approximate index (see AnnIndexes).
 */
export class SqliteVectorIndex implements VectorIndex {
  private dimension = 0;
  private ann: ApproximateIndexes | null = null;

  constructor(
    private readonly db: Db,
    private readonly annOptions: AnnOptions = {},
  ) {}

  async init(model: EmbeddingModelInfo): Promise<void> {
    const get = (key: string) =>
      (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
        ?.value;
    const storedModel = get('vector.model');
    const storedDim = get('vector.dimension');
    if (storedModel && (storedModel !== model.id || Number(storedDim) !== model.dimension)) {
      throw new EngramError(
        'model_mismatch',
        `this data file was indexed with embedding model ${storedModel} (${storedDim} dimensions), not ${model.id} ` +
          `(${model.dimension}); configure the original model, or re-index into a new data directory`,
        {
          stored_model: storedModel,
          stored_dimension: Number(storedDim),
          model: model.id,
          dimension: model.dimension,
        },
      );
    }
    this.db.transaction(() => {
      // Small chunks: vec0 allocates a whole chunk per partition (per user), and the default
      // 1,024-vector chunks cost ~21 KB per vector at 100 memories a user (128: ~2.7 KB).
      this.db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS memory_vectors USING vec0(
           user_key TEXT PARTITION KEY, tenant_id TEXT, embedding FLOAT[${model.dimension}] distance_metric=cosine, chunk_size=128)`,
      );
      // vec0 finds a partition's chunks by scanning its chunk table (no index of its own): at
      // 1,000,000 memories that is 8,000 rows read for each per-user search.
      this.db.exec(
        'CREATE INDEX IF NOT EXISTS memory_vectors_chunks_by_partition ON memory_vectors_chunks (partition00, chunk_id)',
      );
      const put = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      put.run('vector.model', model.id);
      put.run('vector.dimension', String(model.dimension));
    })();
    this.dimension = model.dimension;
    await this.ann?.close(); // a second init replaces the first index set rather than running two
    // On a thread of their own with their own connection; an in-memory file has no other.
    this.ann =
      this.db.memory || this.db.name === ':memory:'
        ? new AnnIndexes(this.db, model.dimension, this.annOptions)
        : new AnnThread(this.db.name, model.dimension, this.annOptions);
    await this.ann.buildLargeTenants();
  }

  /** Whether this tenant's unfiltered searches use the approximate index yet. */
  approximateStatus(tenantId: string): AnnStatus {
    return this.ann?.status(tenantId) ?? 'exact';
  }

  /** Saves the finished approximate indexes (when a directory is set) and stops their thread. */
  async close(): Promise<void> {
    await this.ann?.close();
  }

  async upsert(items: { memory: IndexedMemory; vector: Float32Array }[]): Promise<void> {
    const del = this.db.prepare('DELETE FROM memory_vectors WHERE rowid = ?');
    const ins = this.db.prepare(
      'INSERT INTO memory_vectors (rowid, user_key, tenant_id, embedding) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const { memory, vector } of items) {
        if (vector.length !== this.dimension) {
          throw new EngramError(
            'model_mismatch',
            `vector has ${vector.length} dimensions; the index has ${this.dimension}`,
          );
        }
        const key = keyOf(this.db, memory);
        del.run(BigInt(key));
        ins.run(BigInt(key), userKey(memory.tenant_id, memory.user_id), memory.tenant_id, asBlob(vector));
        AnnIndexes.logChanges(this.db, memory.tenant_id, [key]);
      }
    })();
    // After the commit: the approximate index never holds a vector the file does not.
    await this.ann?.written(new Set(items.map((i) => i.memory.tenant_id)));
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    const del = this.db.prepare('DELETE FROM memory_vectors WHERE rowid = ?');
    const keys = existingKeys(this.db, tenantId, ids);
    this.db.transaction(() => {
      for (const key of keys) del.run(BigInt(key));
      AnnIndexes.logChanges(this.db, tenantId, keys);
    })();
    await this.ann?.written([tenantId]);
  }

  async has(tenantId: string, id: string): Promise<boolean> {
    return !!this.db
      .prepare(
        `SELECT 1 FROM index_keys k JOIN memory_vectors v ON v.rowid = k.rowid WHERE k.tenant_id = ? AND k.memory_id = ?`,
      )
      .get(tenantId, id);
  }

  async search(tenantId: string, vector: Float32Array, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const rows = narrowsBeyondUser(filter)
      ? this.filteredScan(tenantId, vector, k, filter)
      : filter.user_id !== undefined
        ? this.partitionKnn(vector, k, 'user_key', userKey(tenantId, filter.user_id))
        : await this.tenantWide(tenantId, vector, k);
    return rows.map((r) => ({ id: r.id, score: 1 - r.distance }));
  }

  /** A filter beyond the user: the matching rows, found in SQL, scanned exactly. */
  private filteredScan(tenantId: string, vector: Float32Array, k: number, filter: MemoryFilter): Row[] {
    const where = filterSql(filter, 'k');
    return this.db
      .prepare<unknown[], Row>(
        `SELECT k.memory_id AS id, vec_distance_cosine(v.embedding, ?) AS distance
         FROM index_keys k
         JOIN memory_vectors v ON v.rowid = k.rowid
         WHERE k.tenant_id = ? AND ${where.sql}
         ORDER BY distance LIMIT ?`,
      )
      .all(asBlob(vector), tenantId, ...where.params, k);
  }

  /** Exact kNN inside one user's partition, or over every partition of a tenant. */
  private partitionKnn(
    vector: Float32Array,
    k: number,
    column: 'user_key' | 'tenant_id',
    value: string,
  ): Row[] {
    return this.db
      .prepare<unknown[], Row>(
        `SELECT k.memory_id AS id, v.distance AS distance
         FROM (SELECT rowid, distance FROM memory_vectors WHERE embedding MATCH ? AND k = ? AND ${column} = ?) v
         JOIN index_keys k ON k.rowid = v.rowid
         ORDER BY v.distance`,
      )
      .all(asBlob(vector), k, value);
  }

  /** No filter at all: the tenant's approximate index once it has one, else the exact scan. */
  private async tenantWide(tenantId: string, vector: Float32Array, k: number): Promise<Row[]> {
    const approximate = await this.ann?.search(tenantId, vector, k);
    return approximate ? this.idsOf(approximate) : this.partitionKnn(vector, k, 'tenant_id', tenantId);
  }

  /** Memory ids for the approximate index's row keys, nearest first. */
  private idsOf(hits: AnnHit[]): Row[] {
    const ids = new Map(
      this.db
        .prepare<[string], { rowid: number; memory_id: string }>(
          'SELECT rowid, memory_id FROM index_keys WHERE rowid IN (SELECT value FROM json_each(?))',
        )
        .all(JSON.stringify(hits.map((h) => h.rowid)))
        .map((r) => [r.rowid, r.memory_id]),
    );
    return hits.flatMap((h) => (ids.has(h.rowid) ? [{ id: ids.get(h.rowid)!, distance: h.distance }] : []));
  }
}

const STOPWORDS = new Set(
  'a an and are as at be but by did do does for from had has have he her his how i in is it its me my of on or our she so that the their them they this to was we were what when where which who why will with you your'.split(
    ' ',
  ),
);

/** Hex as SQLite's hex() writes it, so tokens made here match those made in migrations. */
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex').toUpperCase();

/** The scope tokens of a full-text row: its tenant, and its tenant + user. */
export const scopeTokens = (tenantId: string, userId: string | null) =>
  `t${hex(tenantId)} u${hex(`${tenantId}\u001f${userId ?? ''}`)}`;

/** The words of a text query that count: as the tokenizer splits them, without stop words. */
const queryWords = (text: string) => [...new Set(tokenizerWords(text).filter((w) => !STOPWORDS.has(w)))];

/** An FTS5 query matching any of the words, each quoted (no operator injection). */
const anyOf = (words: string[]) => words.map((w) => `"${w}"`).join(' OR ');

/** Turns free text into an FTS5 query: each remaining word quoted, OR-ed. */
export function ftsQuery(text: string): string | null {
  const words = queryWords(text);
  return words.length ? anyOf(words) : null;
}

/**
 * FTS5 with the Porter stemmer, ranked by BM25 (higher is better). A user's search scores with
 * that user's statistics (bm25.ts); a search across a tenant with FTS5's bm25().
 */
export class SqliteTextIndex implements TextIndex {
  private readonly statistics: ScopeStatistics;
  /** For a user's search; measured by `bench/dist/bm25-parameters.js`. */
  parameters: Bm25Parameters = FTS5_BM25;

  /** Adds the memories a file held before the per-user terms existed (user-terms.ts). */
  readonly userTerms: UserTermsBackfill;

  constructor(private readonly db: Db) {
    this.statistics = new ScopeStatistics(db);
    this.userTerms = new UserTermsBackfill(db);
  }

  async upsert(items: IndexedMemory[]): Promise<void> {
    const del = this.db.prepare('DELETE FROM memories_text WHERE rowid = ?');
    const ins = this.db.prepare('INSERT INTO memories_text (rowid, content, scope) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const memory of items) {
        const key = keyOf(this.db, memory);
        const scope = scopeTokens(memory.tenant_id, memory.user_id);
        const userToken = scope.split(' ')[1]!;
        // A memory not in memories_text has no terms either (both are written in one transaction).
        const isNew = del.run(key).changes === 0;
        ins.run(key, memory.content, scope);
        writeUserTerms(this.db, key, memory.content, userToken, isNew);
        this.statistics.changed(userToken);
      }
    })();
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    const scopeOf = this.db.prepare<[number], { scope: string }>(
      'SELECT scope FROM memories_text WHERE rowid = ?',
    );
    const del = this.db.prepare('DELETE FROM memories_text WHERE rowid = ?');
    const delTerms = this.db.prepare('DELETE FROM memories_terms WHERE rowid = ?');
    this.db.transaction(() => {
      for (const key of existingKeys(this.db, tenantId, ids)) {
        const row = scopeOf.get(key);
        if (row) this.statistics.changed(row.scope.split(' ')[1]!);
        del.run(key);
        delTerms.run(key);
      }
    })();
  }

  async search(tenantId: string, text: string, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const words = queryWords(text);
    if (!words.length) return [];
    const match = anyOf(words);
    // The scope token narrows the match to the tenant (or the tenant's user) inside FTS5
    // itself; remaining filters are applied to that small set. CROSS JOIN keeps that order:
    // left to itself the planner walked every key of the tenant and looked each up in the
    // hits (25 ms a search at 100,000 memories, 1.5 ms this way). Equal scores are ordered by
    // memory id, as they were then, whatever order the plan reads the hits in.
    const [tenantToken, userToken] = scopeTokens(tenantId, filter.user_id ?? null).split(' ') as [
      string,
      string,
    ];
    const where = filterSql(filter, 'k');
    if (filter.user_id === undefined) {
      // Across the tenant. With no filter beyond it, FTS5 keeps only the best k as it scores
      // and only those are looked up (at 100,000 memories 19 / 45 ms against 28 / 64 at p50 /
      // p95, the same results for 200 of 200 LoCoMo questions; scoring every match is most of
      // what is left); equal scores at that cut are taken in the order memories were first
      // indexed. With other filters every match is checked against them. When the file holds
      // this tenant only (a self-hosted server), its scope token is left out of the match: it
      // is in every row, and FTS5 read and scored it for each (20 / 46 -> 14 / 39 ms, the same
      // scores, as its column weighs 0); the join checks the tenant either way.
      const cut = narrowsBeyondUser(filter) ? '' : 'ORDER BY 2, rowid LIMIT ?';
      const scoped = this.otherTenants(tenantId)
        ? `scope : "${tenantToken}" AND content : (${match})`
        : `content : (${match})`;
      return this.db
        .prepare<unknown[], { id: string; rank: number }>(
          `WITH hits AS MATERIALIZED (
             SELECT rowid, bm25(memories_text, 1.0, 0.0) AS rank FROM memories_text WHERE memories_text MATCH ?
             ${cut}
           )
           SELECT k.memory_id AS id, h.rank AS rank
           FROM hits h
           CROSS JOIN index_keys k ON k.rowid = h.rowid
           WHERE k.tenant_id = ? AND ${where.sql}
           ORDER BY h.rank, k.memory_id LIMIT ?`,
        )
        .all(scoped, ...(cut ? [k] : []), tenantId, ...where.params, k)
        .map((r) => ({ id: r.id, score: -r.rank }));
    }
    // Every match of the user is read (the document frequencies are counted over all of them);
    // filters beyond the user decide only which are returned. The user's own terms find them
    // (user-terms.ts; this whole search at 1,000,000 memories 2.2 / 5.5 ms, p50 / p95, against
    // 5.3 / 12.7 through the scope token, which finds them until an older file's backfill is
    // done); a row another user's key shares by chance is not the user's.
    const [source, userMatch] = this.userTerms.ready
      ? ['memories_terms', userTermsQuery(words, userToken)]
      : ['memories_text', `scope : "${userToken}" AND content : (${match})`];
    const hits = this.db
      .prepare<unknown[], { id: string; content: string; kept: number }>(
        `WITH hits AS MATERIALIZED (
           SELECT rowid FROM ${source} WHERE ${source} MATCH ?
         )
         SELECT k.memory_id AS id, t.content AS content, (k.tenant_id = ? AND ${where.sql}) AS kept
         FROM hits h
         CROSS JOIN index_keys k ON k.rowid = h.rowid
         CROSS JOIN memories_text t ON t.rowid = h.rowid
         WHERE t.scope = ?`,
      )
      .all(userMatch, tenantId, ...where.params, `${tenantToken} ${userToken}`);
    const scores = bm25Scores(
      hits.map((h) => h.content),
      words,
      { docs: this.statistics.docs(userToken), meanLength: this.statistics.meanLength(tenantToken) },
      this.parameters,
    );
    return hits
      .map((h, i) => ({ id: h.id, score: scores[i]!, kept: h.kept }))
      .filter((h) => h.kept)
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, k)
      .map(({ id, score }) => ({ id, score }));
  }

  /** Whether any other tenant has memories in this file (two seeks of the tenant index). */
  private otherTenants(tenantId: string): boolean {
    return (
      this.db
        .prepare<[string, string], { other: number }>(
          `SELECT EXISTS (SELECT 1 FROM index_keys WHERE tenant_id < ?)
               OR EXISTS (SELECT 1 FROM index_keys WHERE tenant_id > ?) AS other`,
        )
        .get(tenantId, tenantId)!.other === 1
    );
  }
}
