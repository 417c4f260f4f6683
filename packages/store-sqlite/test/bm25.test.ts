import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeMemory } from '@engram/core/testing';
import { type Db, openSqliteStores, type SqliteTextIndex } from '../src';
import { stem } from '../src/bm25';

const SENTENCES = [
  'Caroline went hiking with her friends near the lake last weekend',
  'Melanie painted a sunrise over the lake and hung the painting in her kitchen',
  'The support group meets every Tuesday; Caroline finds the meetings helpful and supportive',
  'Melanie is running a charity race for mental health, running five miles a day',
  'Café crème in Zürich: a naïve résumé of the trip, café after café',
  'Caroline adopted two cats, Oliver and Luna, from the shelter in 2022',
  'They talked about counseling careers, counselors, and what counseling means to them',
  'Hiking, camping and fishing: the family trip to the mountains was relaxing',
  'Melanie read a book about adoption agencies and the adoption process',
  'pottery class pottery class pottery: Melanie loves making bowls',
];

const QUERIES = [
  'hiking lake',
  'painting sunrise kitchen',
  'support group meetings',
  'running charity race',
  'café Zürich résumé',
  'cats shelter 2022',
  'counseling career',
  'adoption agency',
  'pottery bowls',
  'Caroline Melanie trip',
];

function freshIndex(): { db: Db; textIndex: SqliteTextIndex } {
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-bm25-'));
  const { db, textIndex } = openSqliteStores(path.join(dir, 'engram.db'));
  return { db, textIndex };
}

/** Three copies of each sentence, each with its own number, for one user. */
const memoriesOf = (userId: string) =>
  SENTENCES.flatMap((s, i) =>
    [0, 1, 2].map((n) => makeMemory({ user_id: userId, content: `${s} (${i * 3 + n})` })),
  );

describe('per-user BM25', () => {
  it('scores exactly as FTS5 bm25() does when the user is the whole index', async () => {
    const { db, textIndex } = freshIndex();
    await textIndex.upsert(memoriesOf('alice'));
    const reference = db.prepare<[string], { id: string; score: number }>(
      `SELECT k.memory_id AS id, -bm25(memories_text, 1.0, 0.0) AS score
       FROM memories_text t JOIN index_keys k ON k.rowid = t.rowid
       WHERE memories_text MATCH ? ORDER BY bm25(memories_text, 1.0, 0.0), k.memory_id`,
    );
    for (const query of QUERIES) {
      const ours = await textIndex.search('t1', query, 100, { user_id: 'alice' });
      const words = query
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean);
      const theirs = reference.all(`content : (${words.map((w) => `"${w}"`).join(' OR ')})`);
      expect(ours.map((r) => r.id)).toEqual(theirs.map((r) => r.id));
      ours.forEach((r, i) => {
        expect(r.score).toBeCloseTo(theirs[i]!.score, 9);
      });
      expect(ours.length).toBeGreaterThan(0);
    }
    db.close();
  });

  it('finds the best k across the tenant as a filtered search does, with the same scores', async () => {
    const { db, textIndex } = freshIndex();
    const own = [...memoriesOf('alice'), ...memoriesOf('bob'), ...memoriesOf('carol')];
    await textIndex.upsert(own);
    // A filter every memory passes takes the path that scores every match before the cut.
    const everyone = { created_after: '2000-01-01T00:00:00.000Z' };
    const ids = new Set(own.map((m) => m.id));
    // Alone in the file the tenant's scope is not matched; beside another tenant it is.
    for (const query of QUERIES) await compare(query);
    await textIndex.upsert(memoriesOf('dave').map((m) => ({ ...m, tenant_id: 't2' })));
    for (const query of QUERIES) await compare(query);
    db.close();

    async function compare(query: string) {
      const best = await textIndex.search('t1', query, 5, {});
      const all = await textIndex.search('t1', query, 100, everyone);
      expect(best.length).toBe(Math.min(5, all.length));
      best.forEach((r, i) => {
        expect(r.score).toBeCloseTo(all[i]!.score, 9);
      });
      // Equal scores may be cut in another order; the memories above the cut are the same.
      const cut = best[best.length - 1]!.score;
      const above = (rs: typeof best) =>
        rs
          .filter((r) => r.score > cut + 1e-9)
          .map((r) => r.id)
          .sort();
      expect(above(best)).toEqual(above(all));
      expect(best.every((r) => ids.has(r.id))).toBe(true);
    }
  });

  it("ranks a user's memories by that user's statistics, whatever other users write", async () => {
    const { db, textIndex } = freshIndex();
    await textIndex.upsert([
      makeMemory({ user_id: 'alice', content: 'alice plays the violin' }),
      makeMemory({ user_id: 'alice', content: 'alice bought a kayak' }),
      makeMemory({ user_id: 'alice', content: 'alice went to the market' }),
      makeMemory({ user_id: 'alice', content: 'alice baked bread' }),
    ]);
    const before = await textIndex.search('t1', 'violin kayak', 10, { user_id: 'alice' });
    expect(before).toHaveLength(2);
    // Across the whole index "violin" becomes a common word, "kayak" stays rare: a global
    // statistic would now put the kayak first for alice too.
    await textIndex.upsert(
      Array.from({ length: 40 }, (_, i) =>
        makeMemory({ user_id: 'bob', content: `bob tunes a violin ${i}` }),
      ),
    );
    const after = await textIndex.search('t1', 'violin kayak', 10, { user_id: 'alice' });
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after[0]!.score).toBeCloseTo(after[1]!.score, 9);
    db.close();
  });

  it("counts a user's memories again once a tenth of them changed, by writes or deletes", async () => {
    const { db, textIndex } = freshIndex();
    const first = Array.from({ length: 20 }, (_, i) =>
      makeMemory({ user_id: 'alice', content: `${i % 2 ? 'tea' : 'coffee'} note ${i}` }),
    );
    await textIndex.upsert(first);
    // tea is in half of 20: idf ln(10.5 / 10.5) = 0, floored at a millionth.
    const [tea] = await textIndex.search('t1', 'tea', 1, { user_id: 'alice' });
    expect(tea!.score).toBeLessThan(1e-5);
    await textIndex.upsert(
      Array.from({ length: 40 }, (_, i) => makeMemory({ user_id: 'alice', content: `water note ${i}` })),
    );
    const [rarer] = await textIndex.search('t1', 'tea', 1, { user_id: 'alice' });
    expect(rarer!.score).toBeGreaterThan(0.5); // 10 of 60 now
    await textIndex.delete(
      't1',
      first.filter((_, i) => i % 2 === 0).map((m) => m.id),
    );
    const [teaAfterDeletes] = await textIndex.search('t1', 'tea', 1, { user_id: 'alice' });
    expect(teaAfterDeletes!.score).toBeLessThan(rarer!.score); // 10 of 50: commoner than 10 of 60
    db.close();
  });

  it('stems every word as the FTS5 porter tokenizer does', () => {
    const { db } = freshIndex();
    db.exec(`CREATE VIRTUAL TABLE words USING fts5(w, tokenize = 'porter unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, 'instance');`);
    const vocabulary = [
      ...new Set(
        SENTENCES.join(' ')
          .concat(' relational conditional generalization hopefulness formality sensitivity happily agreed')
          .toLowerCase()
          .split(/[^a-z0-9]+/)
          .filter(Boolean),
      ),
    ];
    const insert = db.prepare('INSERT INTO words (rowid, w) VALUES (?, ?)');
    for (const [i, word] of vocabulary.entries()) insert.run(i + 1, word);
    const sqlite = new Map(
      db
        .prepare<[], { doc: number; term: string }>('SELECT doc, term FROM word_terms')
        .all()
        .map((r) => [vocabulary[r.doc - 1]!, r.term]),
    );
    for (const word of vocabulary) expect([word, stem(word)]).toEqual([word, sqlite.get(word)]);
    expect(stem('hiking')).toBe('hike');
    db.close();
  });
});
