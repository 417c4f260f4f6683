import { createHash } from 'node:crypto';
import { stem, tokenizerWords } from './bm25';
import type { Db } from './database';

/**
 * A second full-text index, `memories_terms`, whose terms are a memory's stemmed words each
 * prefixed with a key of its user: a user's search reads that user's postings only, however
 * large the tenant. In `memories_text` a user's match is the user's scope token AND the query
 * words, and FTS5 steps through each word's postings for the whole file to find the user's
 * rows (a name common in the corpus is in half of them): at 1,000,000 memories that made the
 * text phase the largest of a per-user search, and it grew with the file. Contentless with
 * `detail=none` (row ids only): the text is read from `memories_text`, and BM25 is computed from
 * it (bm25.ts), so this index only says which rows of the user hold a query word.
 */

/** The user's key in its terms: 16 hex digits of a hash of its scope token (64 bits). */
const keyCache = new Map<string, string>();
export function userTermKey(userToken: string): string {
  let key = keyCache.get(userToken);
  if (key === undefined) {
    key = createHash('sha256').update(userToken).digest('hex').slice(0, 16);
    if (keyCache.size >= 100_000) keyCache.clear(); // a bound, not an LRU: refilling is cheap
    keyCache.set(userToken, key);
  }
  return key;
}

/**
 * The terms a memory is indexed under: each word stemmed as FTS5's porter tokenizer stems it (so
 * a query word finds the rows `memories_text` would), behind its user's key. The index's own
 * tokenizer (`unicode61`, no stemmer) keeps each such term whole; with `detail=none` a word
 * repeated in a memory is one posting.
 */
export function userTermsOf(content: string, userToken: string): string {
  const key = userTermKey(userToken);
  return tokenizerWords(content)
    .map((word) => key + stem(word))
    .join(' ');
}

/** An FTS5 query for the user's rows holding any of the words (each term quoted). */
export function userTermsQuery(words: string[], userToken: string): string {
  const key = userTermKey(userToken);
  return [...new Set(words.map((w) => `"${key}${stem(w)}"`))].join(' OR ');
}

/** Writes a memory's terms, replacing those it had (a memory new to the index has none). */
export function writeUserTerms(
  db: Db,
  rowid: number,
  content: string,
  userToken: string,
  isNew = false,
): void {
  if (!isNew) db.prepare('DELETE FROM memories_terms WHERE rowid = ?').run(rowid);
  db.prepare('INSERT INTO memories_terms (rowid, terms) VALUES (?, ?)').run(
    rowid,
    userTermsOf(content, userToken),
  );
}

/** Meta key: the highest row id of `memories_text` not yet in `memories_terms` (set by the migration). */
export const BACKFILL_KEY = 'text.user_terms_backfill_below';

/** Rows indexed per step of the backfill: ~20 ms of the thread, so requests wait no longer. */
const BACKFILL_STEP = 200;

/**
 * Adds the memories a file held before `memories_terms` existed, newest first, a step at a time
 * between requests (at 100,000 memories ~20 s in all, each step under 0.2 s). Until it is done a user's search reads `memories_text` as before (`ready`).
 * Several processes on one file may each run it: every step takes the write lock and reads
 * where the backfill stands, and writing a row's terms twice leaves them as once.
 */
export class UserTermsBackfill {
  private done: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {
    this.done = this.pending() === null;
    if (!this.done) this.schedule();
  }

  /** Whether every memory's terms are in `memories_terms`. */
  get ready(): boolean {
    return this.done;
  }

  /** Runs one step now; true when nothing is left. */
  step(): boolean {
    if (this.done) return true;
    this.done = this.db
      .transaction(() => {
        const below = this.pending();
        if (below === null) return true;
        const rows = this.db
          .prepare<[number, number], { rowid: number; content: string; scope: string }>(
            'SELECT rowid, content, scope FROM memories_text WHERE rowid <= ? ORDER BY rowid DESC LIMIT ?',
          )
          .all(below, BACKFILL_STEP);
        // Written in ascending row order: FTS5 flushes its pending terms to a new segment whenever
        // a row id is lower than the last one written (100,000 rows took 68 s descending, 20 ascending).
        for (const row of [...rows].reverse())
          writeUserTerms(this.db, row.rowid, row.content, row.scope.split(' ')[1]!);
        if (rows.length < BACKFILL_STEP) {
          this.db.prepare('DELETE FROM meta WHERE key = ?').run(BACKFILL_KEY);
          return true;
        }
        this.db
          .prepare('UPDATE meta SET value = ? WHERE key = ?')
          .run(String(rows[rows.length - 1]!.rowid - 1), BACKFILL_KEY);
        return false;
      })
      .immediate();
    return this.done;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      if (!this.db.open) return;
      try {
        if (!this.step()) this.schedule();
      } catch {
        // Busy (another process holds the write lock) or closing: try again shortly.
        this.timer = setTimeout(() => this.schedule(), 1_000);
        this.timer.unref();
      }
    }, 0);
    this.timer.unref();
  }

  private pending(): number | null {
    const row = this.db
      .prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?')
      .get(BACKFILL_KEY);
    return row ? Number(row.value) : null;
  }
}
