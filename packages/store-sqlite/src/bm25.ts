import { stemmer } from 'porter-stemmer';
import type { Db } from './database';

/**
 * BM25 over the statistics of the scope searched, computed here instead of by FTS5's bm25().
 *
 * bm25() counts, for every query word, the rows containing it in the whole table, on every
 * search: at 1,000,000 memories a common word's postings made a per-user text search 7 ms at the
 * median and 19 at p95, where finding the user's matching rows takes 1 ms. Here FTS5 only finds
 * the matching rows of one user (its scope token narrows the match); their words are counted in
 * JavaScript, so the document frequencies are the user's own, exact and free: the matches are
 * every memory of the user containing a query word. The formula and constants are FTS5's, so a
 * user who is the whole index scores exactly as bm25() would (tested).
 */

/** BM25's term-frequency saturation (k1) and length normalisation (b); FTS5's values. */
export interface Bm25Parameters {
  k1: number;
  b: number;
}
export const FTS5_BM25: Bm25Parameters = { k1: 1.2, b: 0.75 };
/** The scope column holds two tokens (tenant, tenant + user); FTS5 counts them in a row's length. */
const SCOPE_TOKENS = 2;
/** How long a scope's counts are trusted: another process may be writing to the same file. */
const STATS_TTL_MS = 60_000;
/** Rows read to estimate a tenant's mean memory length. */
const LENGTH_SAMPLE = 2_000;

const NON_ASCII = /[^\p{ASCII}]/u;
const stems = new Map<string, string>();
/**
 * A word as FTS5's `porter` tokenizer stores it: the original Porter stemmer (checked against
 * SQLite's on every word of the LoCoMo corpus), for lowercase ASCII words only, as SQLite does.
 */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = /^[a-z]+$/.test(word) && word.length <= 64 ? stemmer(word) : word;
    if (stems.size >= 100_000) stems.clear(); // a bound, not an LRU: refilling is cheap
    stems.set(word, stemmed);
  }
  return stemmed;
}

const NO_LETTERS = new Set<number>();

/**
 * The words of `text` as FTS5's `unicode61 remove_diacritics 2` tokenizer splits them:
 * lowercased, accents removed ("Zürich" is "zurich", not "zu" and "rich"), split at anything
 * not a letter or digit.
 */
export function tokenizerWords(text: string): string[] {
  // ASCII (most memories) needs neither normalising nor Unicode classes: the same words, faster.
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/**
 * Calls `onWord` for each word of `text` (as `tokenizerWords` splits it) whose first character
 * is in `firstCodes` (stemming never changes a word's first letter), and returns how many words
 * there were. Most memories are ASCII: those are scanned by character code, and only the words
 * that may match are cut out and lowercased.
 */
function scanWords(text: string, firstCodes: Set<number>, onWord: (word: string) => void): number {
  if (NON_ASCII.test(text)) {
    const words = tokenizerWords(text);
    for (const word of words) if (firstCodes.has(word.charCodeAt(0))) onWord(word);
    return words.length;
  }
  let count = 0;
  let start = -1;
  let first = 0;
  for (let i = 0; i <= text.length; i++) {
    let code = i < text.length ? text.charCodeAt(i) : 32;
    if (code >= 65 && code <= 90) code += 32; // A-Z to a-z
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (start < 0) {
        start = i;
        first = code;
      }
      continue;
    }
    if (start < 0) continue;
    count++;
    if (firstCodes.has(first)) onWord(text.slice(start, i).toLowerCase());
    start = -1;
  }
  return count;
}

/** A row's length as bm25() counts it: its words and its scope tokens. */
const rowLength = (content: string) => scanWords(content, NO_LETTERS, () => {}) + SCOPE_TOKENS;

/**
 * BM25 scores of `contents` for the query `words` (already lowercased, stop words removed), given
 * how many memories the scope holds and their mean length. Document frequencies are counted in
 * `contents`, which must be every memory of the scope that contains a query word.
 */
export function bm25Scores(
  contents: string[],
  words: string[],
  scope: { docs: number; meanLength: number },
  { k1, b }: Bm25Parameters = FTS5_BM25,
): number[] {
  const terms = new Map<string, number>();
  for (const word of words) {
    const s = stem(word);
    if (!terms.has(s)) terms.set(s, terms.size);
  }
  const firstLetters = new Set([...terms.keys()].map((t) => t.charCodeAt(0)));
  const termOfWord = new Map<string, number>(); // -1: no term; words repeat across rows
  const n = terms.size;
  const freq = new Float64Array(contents.length * n);
  const length = new Float64Array(contents.length);
  const docFreq = new Float64Array(n);
  contents.forEach((content, row) => {
    length[row] =
      scanWords(content, firstLetters, (word) => {
        let term = termOfWord.get(word);
        if (term === undefined) {
          term = terms.get(stem(word)) ?? -1;
          termOfWord.set(word, term);
        }
        if (term >= 0) freq[row * n + term]! += 1;
      }) + SCOPE_TOKENS;
    for (let t = 0; t < n; t++) if (freq[row * n + t]! > 0) docFreq[t]! += 1;
  });
  // FTS5's inverse document frequency, floored at a millionth so a word in most rows still counts.
  const idf = Array.from(docFreq, (df) => Math.max(Math.log((scope.docs - df + 0.5) / (df + 0.5)), 1e-6));
  return contents.map((_, row) => {
    const norm = k1 * (1 - b + (b * length[row]!) / scope.meanLength);
    let score = 0;
    for (let t = 0; t < n; t++) {
      const f = freq[row * n + t]!;
      if (f > 0) score += (idf[t]! * f * (k1 + 1)) / (f + norm);
    }
    return score;
  });
}

interface Counted {
  value: number;
  at: number;
  changes: number;
}

/**
 * How many memories a scope holds (exact, from its scope token's postings) and a tenant's mean
 * memory length (from a sample), cached: a count is taken again after a tenth of its scope has
 * changed in this process, both after a minute (writes from other processes go unseen until then;
 * BM25 only needs these roughly).
 */
export class ScopeStatistics {
  private readonly counts = new Map<string, Counted>();
  private readonly lengths = new Map<string, Counted>();

  constructor(private readonly db: Db) {}

  docs(scopeToken: string): number {
    return this.cached(
      this.counts,
      scopeToken,
      () =>
        this.db
          .prepare<[string], { n: number }>(
            'SELECT count(*) AS n FROM memories_text WHERE memories_text MATCH ?',
          )
          .get(`scope : "${scopeToken}"`)!.n,
    );
  }

  meanLength(tenantToken: string): number {
    return this.cached(this.lengths, tenantToken, () => {
      const rows = this.db
        .prepare<[string, number], { content: string }>(
          'SELECT content FROM memories_text WHERE memories_text MATCH ? LIMIT ?',
        )
        .all(`scope : "${tenantToken}"`, LENGTH_SAMPLE);
      return rows.length ? rows.reduce((sum, r) => sum + rowLength(r.content), 0) / rows.length : 1;
    });
  }

  /** A memory of this scope was written or deleted. */
  changed(scopeToken: string): void {
    const entry = this.counts.get(scopeToken);
    if (entry) entry.changes++;
  }

  private cached(cache: Map<string, Counted>, key: string, count: () => number): number {
    const entry = cache.get(key);
    const now = Date.now();
    // A mean length barely moves as memories are added: only counts track changes.
    if (entry && now - entry.at < STATS_TTL_MS && entry.changes < Math.max(10, entry.value / 10))
      return entry.value;
    if (cache.size >= 10_000) cache.clear();
    const value = count();
    cache.set(key, { value, at: now, changes: 0 });
    return value;
  }
}
