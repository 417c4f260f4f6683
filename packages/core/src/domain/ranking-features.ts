import { terms } from '../memory/terms';
import { daysFrom, namedPeriod, type Period, within } from './named-time';
import { DEFAULT_RELEVANCE_MODEL, relevanceFeatures, scoreRelevance } from './relevance';
import type { Memory, SignalScores } from './types';

/** What a trained reranker sees of one candidate of one search, in order. */
export const LTR_FEATURES = [
  'relevance', // core's calibrated relevance of the fused signals
  'vector_cosine',
  'text_bm25_log',
  'graph_log',
  'context_count',
  'rank_reciprocal',
  'query_terms_covered', // share of the query's content words found in the memory
  'when_and_date', // a when-question, and the memory names a time
  'who_and_name', // a who-question, and the memory names someone
  'count_and_number', // a how-many question, and the memory holds a number
  'same_session_as_first', // in the session of the first result
  'age_log_days', // how much older than the newest candidate
  'usefulness', // past feedback on this memory (positive less negative), log-scaled
  'query_stems_covered', // share of the query's stemmed words in the memory ("painted" meets "paint")
  'author_named', // the question names the memory's author (a speaker asked about in their own words)
  'other_named', // the question names someone, and not the memory's author
  'length_log', // how many words the memory has (short replies rarely hold an answer)
  'session_hits', // how many of the first 20 candidates share this memory's session
  'text_relative', // BM25 as a share of the best BM25 among the candidates
  'vector_gap', // cosine below the best cosine among the candidates
  // The candidates just before and after it in its session (-1: none among the candidates): an
  // answer often follows the turn that matches the question ("What did you paint?" / "A sunset").
  'before_stems_covered',
  'before_text_relative',
  'after_stems_covered',
  'after_text_relative',
  // Dialogue: a question asked, and the candidate just before it in its session asking one (an
  // answer is often a short reply that shares no word with the question it answers).
  'is_question',
  'before_is_question',
  // The question names a day, month or year ("on 9 November, 2022") and the memory's event_time
  // falls in it (1) or not (0); -1 when either is missing. Then how many days off it is (log).
  'event_in_named_time',
  'event_days_from_named_time',
] as const;

export interface Candidate {
  memory: Pick<Memory, 'id' | 'content' | 'session_id' | 'created_at'> & {
    metadata?: Memory['metadata'];
    event_time?: Memory['event_time'];
  };
  score: number;
  signals: SignalScores;
}

const STOP = new Set(
  'a an the and or of to in on at for with by from is are was were be been do does did what when where who whom which how why that this these those it its i you he she they we my your his her their our me him them us has have had about as into than then there here not no yes can could would should will'.split(
    ' ',
  ),
);
const words = (text: string) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
const contentWords = (text: string) => [...new Set(words(text).filter((w) => w.length > 1 && !STOP.has(w)))];
const MONTH_OR_TIME =
  /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(tember)?|oct(ober)?|nov(ember)?|dec(ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|week|month|year|ago|last|next|\d{4})\b/i;

/** The shape of a question, from its first words: when, who, how many. */
export function queryShape(query: string) {
  const q = query.trim().toLowerCase();
  return {
    when: /^(when|what (year|month|day|date|time))\b/.test(q) || /\bhow long ago\b/.test(q),
    who: /^(who|whom|whose)\b/.test(q),
    count: /^how (many|much|often)\b/.test(q),
  };
}

const signedLog = (v: number) => Math.sign(v) * Math.log1p(Math.abs(v));

/** A "Name:" or "First Last:" at the start of a memory: a transcript line's speaker. */
const SPEAKER_PREFIX = /^\s*(\p{Lu}[\p{L}'-]*(?: \p{Lu}[\p{L}'-]*){0,2}):\s/u;

/**
 * Who wrote a memory, lower-cased: its `speaker` or `name` metadata (a message's author, as the
 * messages API stores it), else a transcript line's "Name:" prefix.
 */
export function authorOf(memory: Candidate['memory']): string | null {
  const meta = memory.metadata ?? {};
  for (const key of ['speaker', 'name'] as const) {
    const v = meta[key];
    if (typeof v === 'string' && v.trim()) return v.trim().toLowerCase();
  }
  return SPEAKER_PREFIX.exec(memory.content)?.[1]?.toLowerCase() ?? null;
}

/** The capitalised words of a question that are not question words: the names it asks about. */
export function namesIn(query: string): string[] {
  return (query.match(/\p{Lu}[\p{L}'-]*/gu) ?? [])
    .map((w) => w.replace(/'s$/, '').toLowerCase())
    .filter((w) => !STOP.has(w));
}

/** How many of the first 20 candidates (in fused order) sit in each session. */
const SESSION_WINDOW = 20;

/** The two of a candidate's own features that its session neighbours' features repeat. */
const STEMS_COVERED = LTR_FEATURES.indexOf('query_stems_covered');
const TEXT_RELATIVE = LTR_FEATURES.indexOf('text_relative');

/** A question mark ending a sentence or a quote (not one inside a link: "https://x.io/?q=1"). */
const QUESTION = /\?(?=\s|$|[)"'\]!?.,])/;
/** Whether a memory's event time falls in the period a question names, and how far off it is. */
function inNamedTime(c: Candidate, period: Period | null): [number, number] {
  const at = c.memory.event_time ? Date.parse(c.memory.event_time) : Number.NaN;
  if (!period || Number.isNaN(at)) return [-1, -1];
  return [within(at, period) ? 1 : 0, Math.log1p(daysFrom(at, period))];
}

const asksQuestion = (c: Candidate) => (QUESTION.test(c.memory.content) ? 1 : 0);

/**
 * Features of each candidate of one search (in its answered order). `usefulness` is past
 * feedback per memory id; a training example's own search is left out of it by the caller,
 * so the model never learns from the label it is asked to predict.
 */
export function candidateFeatures(
  query: string,
  candidates: Candidate[],
  usefulness: (memoryId: string) => number = () => 0,
): number[][] {
  const own = ownFeatures(query, candidates, usefulness);
  const around = (i: number | undefined) =>
    i === undefined ? [-1, -1] : [own[i]![STEMS_COVERED]!, own[i]![TEXT_RELATIVE]!];
  const { before, after } = sessionNeighbours(candidates);
  const period = namedPeriod(query);
  return own.map((row, i) => {
    const previous = before[i];
    return [
      ...row,
      ...around(previous),
      ...around(after[i]),
      asksQuestion(candidates[i]!),
      previous === undefined ? -1 : asksQuestion(candidates[previous]!),
      ...inNamedTime(candidates[i]!, period),
    ];
  });
}

/**
 * For each candidate, the index of the candidate just before it and just after it in its
 * session, by id (ids sort in the order memories were written; the candidates a search holds
 * are usually a few turns of a session, so these are its nearest neighbours there).
 */
function sessionNeighbours(candidates: Candidate[]) {
  const bySession = new Map<string, number[]>();
  candidates.forEach((c, i) => {
    const session = c.memory.session_id;
    if (!session) return;
    const members = bySession.get(session);
    if (members) members.push(i);
    else bySession.set(session, [i]);
  });
  const before: (number | undefined)[] = [];
  const after: (number | undefined)[] = [];
  for (const members of bySession.values()) {
    members.sort((a, b) => (candidates[a]!.memory.id < candidates[b]!.memory.id ? -1 : 1));
    members.forEach((i, k) => {
      before[i] = members[k - 1];
      after[i] = members[k + 1];
    });
  }
  return { before, after };
}

/** The features of each candidate from itself and the search (all but its neighbours'). */
function ownFeatures(
  query: string,
  candidates: Candidate[],
  usefulness: (memoryId: string) => number,
): number[][] {
  const queryWords = contentWords(query);
  const queryStems = [...new Set(terms(query))];
  const names = namesIn(query);
  const shape = queryShape(query);
  const firstSession = candidates[0]?.memory.session_id ?? null;
  const newest = Math.max(...candidates.map((c) => Date.parse(c.memory.created_at) || 0));
  // Rank and relevance from the fused signals, not from the answered order and score: those
  // are the reranker's own once one is active, and a model must not learn from its own output.
  const fused = (c: Candidate) => c.signals.fused ?? 0;
  const fusedRank = new Map(
    [...candidates].sort((a, b) => fused(b) - fused(a)).map((c, rank) => [c.memory.id, rank]),
  );
  const sessionHits = new Map<string | null, number>();
  for (const c of candidates) {
    if ((fusedRank.get(c.memory.id) ?? 0) >= SESSION_WINDOW) continue;
    const session = c.memory.session_id ?? null;
    sessionHits.set(session, (sessionHits.get(session) ?? 0) + 1);
  }
  const bestText = Math.max(0, ...candidates.map((c) => c.signals.text ?? 0));
  const bestVector = Math.max(0, ...candidates.map((c) => c.signals.vector ?? 0));
  return candidates.map((c) => {
    const rank = fusedRank.get(c.memory.id) ?? 0;
    const relevance = scoreRelevance(
      DEFAULT_RELEVANCE_MODEL,
      relevanceFeatures({ score: fused(c), signals: c.signals }, rank),
    );
    const content = c.memory.content;
    const written = words(content);
    const present = new Set(written);
    const covered = queryWords.length
      ? queryWords.filter((t) => present.has(t)).length / queryWords.length
      : 0;
    const stems = new Set(terms(content));
    const stemsCovered = queryStems.length
      ? queryStems.filter((t) => stems.has(t)).length / queryStems.length
      : 0;
    const author = authorOf(c.memory);
    const authorNamed = author !== null && names.some((n) => author.split(' ').includes(n));
    const ageDays = Math.max(0, (newest - (Date.parse(c.memory.created_at) || newest)) / 86_400_000);
    return [
      relevance,
      c.signals.vector ?? 0,
      Math.log1p(Math.max(c.signals.text ?? 0, 0)),
      Math.log1p(Math.max(c.signals.graph ?? 0, 0)),
      c.signals.context ?? 0,
      1 / (rank + 1),
      covered,
      shape.when && MONTH_OR_TIME.test(content) ? 1 : 0,
      shape.who && /\s[A-Z][a-z]+/.test(content) ? 1 : 0,
      shape.count && /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twice|once)\b/i.test(content)
        ? 1
        : 0,
      firstSession !== null && c.memory.session_id === firstSession ? 1 : 0,
      Math.log1p(ageDays),
      signedLog(usefulness(c.memory.id)),
      stemsCovered,
      authorNamed ? 1 : 0,
      names.length > 0 && !authorNamed ? 1 : 0,
      Math.log1p(written.length),
      c.memory.session_id ? (sessionHits.get(c.memory.session_id) ?? 0) : 0,
      bestText > 0 ? Math.max(c.signals.text ?? 0, 0) / bestText : 0,
      (c.signals.vector ?? 0) - bestVector,
    ];
  });
}
