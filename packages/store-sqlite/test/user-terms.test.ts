import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeMemory } from '@engram/core/testing';
import { openSqliteStores } from '../src';
import { MIGRATIONS } from '../src/migrations';
import { BACKFILL_KEY, userTermKey } from '../src/user-terms';

const freshPath = () => path.join(mkdtempSync(path.join(tmpdir(), 'engram-terms-')), 'engram.db');

const TOPICS = ['hiking by the lake', 'painting a sunrise', 'running a charity race', 'adopting two cats'];
/** 450 memories of three users: more than two steps of the backfill. */
const memories = Array.from({ length: 450 }, (_, i) =>
  makeMemory({
    user_id: ['alice', 'bob', 'carol'][i % 3]!,
    content: `${['Alice', 'Bob', 'Carol'][i % 3]} talked about ${TOPICS[i % TOPICS.length]} (${i})`,
  }),
);
const QUERIES = ['lake hiking', 'sunrise paintings', 'charity races Alice', 'cats adopted'];

describe("a user's own terms", () => {
  it('are added in the background to a file written before they existed, and find the same memories', async () => {
    const file = freshPath();
    // A file of the schema before memories_terms, with memories in it.
    const old = openSqliteStores(file);
    await old.textIndex.upsert(memories);
    const expected = await searchAll(old.textIndex);
    old.textIndex.userTerms.stop();
    old.db.exec('DROP TABLE memories_terms');
    old.db.prepare('DELETE FROM meta WHERE key = ?').run(BACKFILL_KEY);
    old.db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    old.db.close();

    const stores = openSqliteStores(file);
    const { db, textIndex } = stores;
    try {
      // The migration marks every row written before it; none is in the new index yet.
      const last = db.prepare('SELECT max(rowid) AS n FROM memories_text').get() as { n: number };
      expect(db.prepare('SELECT value FROM meta WHERE key = ?').get(BACKFILL_KEY)).toEqual({
        value: String(last.n),
      });
      expect(textIndex.userTerms.ready).toBe(false);
      textIndex.userTerms.stop(); // stepped by hand below, not by its timer
      // Until it is done, a user's search reads memories_text as before.
      expect(await searchAll(textIndex)).toEqual(expected);
      // A write meanwhile goes to both indexes; the backfill writing it again changes nothing.
      const late = makeMemory({ user_id: 'alice', content: 'Alice went hiking again' });
      await textIndex.upsert([late]);
      let steps = 1;
      while (!textIndex.userTerms.step()) steps++;
      expect(steps).toBe(3);
      expect(db.prepare('SELECT value FROM meta WHERE key = ?').get(BACKFILL_KEY)).toBeUndefined();
      const indexed = db.prepare('SELECT count(*) AS n FROM memories_terms WHERE memories_terms MATCH ?');
      expect(indexed.get(`"${userTermKey(scopeOf('alice'))}hike"`)).toEqual({
        n: 1 + memories.filter((m) => m.user_id === 'alice' && m.content.includes('hiking')).length,
      });
      await textIndex.delete('t1', [late.id]);
      expect(await searchAll(textIndex)).toEqual(expected);
    } finally {
      db.close();
    }
  });

  it("neither returns nor counts another user's memory that shares a term by chance", async () => {
    const { db, textIndex } = openSqliteStores(freshPath());
    try {
      const bobs = makeMemory({ user_id: 'bob', content: 'Bob bought a kayak' });
      await textIndex.upsert([
        ...['plays the violin', 'paddles a kayak', 'bakes bread', 'reads poems'].map((c) =>
          makeMemory({ user_id: 'alice', content: `Alice ${c}` }),
        ),
        bobs,
      ]);
      const before = await textIndex.search('t1', 'kayak', 10, { user_id: 'alice' });
      expect(before).toHaveLength(1);
      // Bob's row indexed under Alice's key, as a collision of the two keys would be: counted as
      // Alice's, it would make "kayak" commoner among her memories and lower her score.
      const { rowid } = db.prepare('SELECT rowid FROM index_keys WHERE memory_id = ?').get(bobs.id) as {
        rowid: number;
      };
      db.prepare('INSERT INTO memories_terms (rowid, terms) VALUES (?, ?)').run(
        rowid,
        `${userTermKey(scopeOf('alice'))}kayak`,
      );
      expect(await textIndex.search('t1', 'kayak', 10, { user_id: 'alice' })).toEqual(before);
      expect((await textIndex.search('t1', 'kayak', 10, { user_id: 'bob' })).map((r) => r.id)).toEqual([
        bobs.id,
      ]);
    } finally {
      db.close();
    }
  });
});

/** The user token of the test tenant's user, as the full-text rows hold it. */
function scopeOf(userId: string): string {
  return `u${Buffer.from(`t1\u001f${userId}`).toString('hex').toUpperCase()}`;
}

async function searchAll(textIndex: ReturnType<typeof openSqliteStores>['textIndex']) {
  const results = [];
  for (const user of ['alice', 'bob', 'carol'])
    for (const query of QUERIES) results.push(await textIndex.search('t1', query, 20, { user_id: user }));
  return results;
}
