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
] as const;

export interface Candidate {
  memory: Pick<Memory, 'id' | 'content' | 'session_id' | 'created_at'>;
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
  const terms = contentWords(query);
  const shape = queryShape(query);
  const firstSession = candidates[0]?.memory.session_id ?? null;
  const newest = Math.max(...candidates.map((c) => Date.parse(c.memory.created_at) || 0));
  // Rank and relevance from the fused signals, not from the answered order and score: those
  // are the reranker's own once one is active, and a model must not learn from its own output.
  const fused = (c: Candidate) => c.signals.fused ?? 0;
  const fusedRank = new Map(
    [...candidates].sort((a, b) => fused(b) - fused(a)).map((c, rank) => [c.memory.id, rank]),
  );
  return candidates.map((c) => {
    const rank = fusedRank.get(c.memory.id) ?? 0;
    const relevance = scoreRelevance(
      DEFAULT_RELEVANCE_MODEL,
      relevanceFeatures({ score: fused(c), signals: c.signals }, rank),
    );
    const content = c.memory.content;
    const present = new Set(words(content));
    const covered = terms.length ? terms.filter((t) => present.has(t)).length / terms.length : 0;
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
    ];
  });
}
