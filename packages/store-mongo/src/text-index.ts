import { type IndexedMemory, type MemoryFilter, type ScoredId, type TextIndex, terms } from '@engram/core';
import { insertNew } from './log-store';
import { docId, type Models } from './models';
import { mongoFilter } from './mongo-filter';

// The usual BM25 constants (the ones SQLite's FTS5 uses), so both stores rank alike.
const K1 = 1.2;
const B = 0.75;
/** Candidates checked against a narrow filter per round trip. */
const FILTER_CHUNK = 500;
/**
 * How long a scope's BM25 statistics (its memory count and total length) are reused. They
 * move slowly (one memory changes them by 1/n), and reading them is a pass over every text
 * document of the scope: on FerretDB, which serves no filter from an index, a search spent as
 * long on it as on its postings. Writes through this index drop its tenant's entries at once;
 * writes by another process show after at most this long.
 */
const STATS_TTL_MS = 5_000;
/** Scopes remembered per tenant before the oldest are forgotten (one per user searched). */
const MAX_SCOPES = 10_000;

interface ScopeStats {
  n: number;
  total: number;
}

/**
 * BM25 over an inverted index kept in two collections (postings and per-memory lengths), so
 * it works the same on MongoDB and on MongoDB-wire servers without `$text` (FerretDB).
 * Scoring happens here: the store returns the postings of the query's terms in the scope
 * searched (the tenant, or one of its users), which is what bounds the work.
 */
export class MongoTextIndex implements TextIndex {
  /** Per tenant, each scope's statistics (pending or read) and when they were asked for. */
  private readonly stats = new Map<string, Map<string, { at: number; value: Promise<ScopeStats> }>>();

  constructor(
    private readonly models: Models,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Each memory's text document lists the terms it may have postings for, so a rewrite
   * removes exactly those by `_id`: every write here is a point write, which MongoDB-wire
   * servers that push only `_id` lookups down to an index (FerretDB's SQLite backend) also
   * serve without scanning the collection.
   */
  async upsert(items: IndexedMemory[]): Promise<void> {
    for (const memory of items) {
      const counts = new Map<string, number>();
      const words = terms(memory.content);
      for (const term of words) counts.set(term, (counts.get(term) ?? 0) + 1);
      const key = docId(memory.tenant_id, memory.id);
      const postingId = (term: string) => `${key}\u001f${term}`;
      const previous = await this.models.textDocs.findById(key, { terms: 1 }).lean<{ terms?: string[] }>();
      const stale = previous?.terms ?? [];
      // Crash-safe order: the document first lists every term that may have a posting (old
      // and new), then the postings are written, and the list shrinks to the new terms.
      // A retry after a crash anywhere finds every posting it must remove.
      const document = {
        _id: key,
        tenant_id: memory.tenant_id,
        memory_id: memory.id,
        user_id: memory.user_id,
        namespace: memory.namespace,
        agent_id: memory.agent_id,
        session_id: memory.session_id,
        type: memory.type,
        metadata: memory.metadata,
        tags: memory.tags,
        created_at: memory.created_at,
        length: words.length,
      };
      await this.models.textDocs.replaceOne(
        { _id: key },
        { ...document, terms: [...new Set([...stale, ...counts.keys()])] },
        { upsert: true },
      );
      const postings = [...counts].map(([term, tf]) => ({
        _id: postingId(term),
        tenant_id: memory.tenant_id,
        memory_id: memory.id,
        user_id: memory.user_id,
        term,
        tf,
        length: words.length,
      }));
      if (previous && !previous.terms) {
        // Indexed before documents listed their terms.
        await this.models.postings.deleteMany({ tenant_id: memory.tenant_id, memory_id: memory.id });
        await insertNew(this.models.postings, postings);
      } else if (previous) {
        // A rewrite (an update, or the repair job) replaces the postings it keeps in place and
        // removes only the terms gone: deleting them all first left a moment in which a search
        // could not find the memory by its text at all.
        const gone = stale.filter((term) => !counts.has(term));
        if (gone.length > 0) {
          await this.models.postings.bulkWrite(
            gone.map((term) => ({ deleteOne: { filter: { _id: postingId(term) } } })),
            { ordered: false },
          );
        }
        if (postings.length > 0) {
          await this.models.postings.bulkWrite(
            postings.map((posting) => ({
              replaceOne: { filter: { _id: posting._id }, replacement: posting, upsert: true },
            })),
            { ordered: false },
          );
        }
      } else {
        await insertNew(this.models.postings, postings);
      }
      await this.models.textDocs.replaceOne(
        { _id: key },
        { ...document, terms: [...counts.keys()] },
        { upsert: true },
      );
      this.stats.delete(memory.tenant_id);
    }
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.models.postings.deleteMany({ tenant_id: tenantId, memory_id: { $in: ids } });
    await this.models.textDocs.deleteMany({ tenant_id: tenantId, memory_id: { $in: ids } });
    this.stats.delete(tenantId);
  }

  async search(tenantId: string, query: string, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const queryTerms = [...new Set(terms(query))];
    if (queryTerms.length === 0) return [];
    const scope = {
      tenant_id: tenantId,
      ...(filter.user_id !== undefined ? { user_id: filter.user_id } : {}),
    };
    // One `term: {$in}` find: MongoDB serves it from the (tenant, term, user) index. One find
    // per term was measured too: faster on FerretDB's PostgreSQL backend (242 against 399 ms
    // at 10,000 memories), which pushes equalities down, but on its SQLite backend, which
    // pushes only `_id` down, each find reads the whole collection, and searches took seconds.
    const [postings, stats] = await Promise.all([
      this.models.postings
        .find({ ...scope, term: { $in: queryTerms } }, { memory_id: 1, term: 1, tf: 1, length: 1 })
        .lean<{ memory_id: string; term: string; tf: number; length: number }[]>(),
      this.scopeStats(tenantId, filter.user_id),
    ]);
    const { n } = stats;
    if (postings.length === 0 || n === 0) return [];
    const avgLength = stats.total / n || 1;
    const df = new Map<string, number>();
    for (const p of postings) df.set(p.term, (df.get(p.term) ?? 0) + 1);
    const scores = new Map<string, number>();
    for (const p of postings) {
      const d = df.get(p.term)!;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      const weight = (p.tf * (K1 + 1)) / (p.tf + K1 * (1 - B + (B * p.length) / avgLength));
      scores.set(p.memory_id, (scores.get(p.memory_id) ?? 0) + idf * weight);
    }
    const ranked = [...scores]
      .map(([id, score]) => ({ id, score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1));
    const { user_id: _user, ...rest } = filter;
    if (Object.values(rest).every((v) => v === undefined)) return ranked.slice(0, k);
    return this.keepMatching(tenantId, ranked, mongoFilter(filter), k);
  }

  /** A scope's memory count and total length, read at most once per STATS_TTL_MS. */
  private scopeStats(tenantId: string, userId: string | null | undefined): Promise<ScopeStats> {
    const scopes = this.stats.get(tenantId) ?? new Map();
    this.stats.set(tenantId, scopes);
    const key = userId === undefined ? '*' : JSON.stringify(userId);
    const cached = scopes.get(key);
    if (cached && this.now() - cached.at < STATS_TTL_MS) return cached.value;
    if (scopes.size >= MAX_SCOPES) scopes.delete(scopes.keys().next().value!);
    const match = { tenant_id: tenantId, ...(userId !== undefined ? { user_id: userId } : {}) };
    const value = this.models.textDocs
      .aggregate<ScopeStats>([
        { $match: match },
        { $group: { _id: null, n: { $sum: 1 }, total: { $sum: '$length' } } },
      ])
      .exec()
      .then((rows) => ({ n: rows[0]?.n ?? 0, total: rows[0]?.total ?? 0 }));
    const entry = { at: this.now(), value };
    scopes.delete(key); // re-inserted last, so the map stays in the order scopes were read
    scopes.set(key, entry);
    // A failed read is not reused.
    value.catch(() => {
      if (scopes.get(key) === entry) scopes.delete(key);
    });
    return value;
  }

  /** The best `k` of `ranked` whose memories match the filter, checked a chunk at a time. */
  private async keepMatching(
    tenantId: string,
    ranked: ScoredId[],
    query: Record<string, unknown>,
    k: number,
  ): Promise<ScoredId[]> {
    const out: ScoredId[] = [];
    for (let i = 0; i < ranked.length && out.length < k; i += FILTER_CHUNK) {
      const chunk = ranked.slice(i, i + FILTER_CHUNK);
      const matching = await this.models.textDocs
        .find({ tenant_id: tenantId, memory_id: { $in: chunk.map((r) => r.id) }, ...query }, { memory_id: 1 })
        .lean<{ memory_id: string }[]>();
      const keep = new Set(matching.map((m) => m.memory_id));
      out.push(...chunk.filter((r) => keep.has(r.id)));
    }
    return out.slice(0, k);
  }
}
