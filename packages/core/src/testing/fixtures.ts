import { newId, nowIso } from '../domain/ids';
import { LTR_FEATURES } from '../domain/ranking-features';
import type { RankingModel } from '../domain/ranking-model';
import type { Memory } from '../domain/types';

export function makeMemory(overrides: Partial<Memory> = {}): Memory {
  const now = nowIso();
  return {
    id: newId('mem'),
    tenant_id: 't1',
    user_id: 'alice',
    namespace: null,
    agent_id: null,
    session_id: null,
    content: 'Alice likes green tea',
    type: 'text',
    metadata: {},
    tags: [],
    created_at: now,
    updated_at: now,
    version: 1,
    valid_from: overrides.created_at ?? now,
    valid_to: null,
    event_time: null,
    ...overrides,
  };
}

/** A deterministic unit vector pointing mostly along one axis, for index tests without a model. */
export function axisVector(dimension: number, axis: number, wobble = 0): Float32Array {
  const v = new Float32Array(dimension);
  v[axis % dimension] = 1;
  v[(axis + 1) % dimension] = wobble;
  const norm = Math.hypot(1, wobble);
  for (let i = 0; i < dimension; i++) v[i]! /= norm;
  return v;
}

/** Two people's small facts and short questions about them: enough searches to train a ranker on. */
export const LIFE_FACTS = [
  'Ana adopted a grey cat named Miso in March',
  'Ana works as a nurse at the city hospital',
  'Ben is training for the Berlin marathon',
  'Ben and Ana went hiking in the Alps last summer',
  'Ana is learning to play the cello',
  'Ben moved to Lisbon for a new job',
  'Ana and Ben met at a climbing gym',
  'Miso the cat sleeps on the piano',
];
export const LIFE_QUESTIONS = [
  'cat',
  'Ana job',
  'marathon',
  'hiking',
  'cello',
  'Lisbon',
  'climbing',
  'piano',
  'Ana',
  'Ben',
];

/** A search candidate as rankers see it (project p1, session s1 unless given). */
export function rankingCandidate(id: string, content: string, fused: number, session = 's1') {
  return {
    memory: makeMemory({
      id,
      tenant_id: 'p1',
      content,
      session_id: session,
      created_at: '2026-11-01T00:00:00.000Z',
    }),
    score: 0.1,
    signals: { vector: 0.5, text: null, graph: null, context: null, fused },
  };
}

/** A ranking model that looks only at how much of the query a memory covers (one tree, one split). */
export function coverageModel(head: number, usefulness: Record<string, number> = {}): RankingModel {
  const covered = LTR_FEATURES.indexOf('query_terms_covered');
  return {
    features: LTR_FEATURES,
    trees: {
      base: 0,
      rate: 1,
      trees: [{ feature: covered, threshold: 0.5, left: { value: -2 }, right: { value: 2 } }],
    },
    platt: { a: 1, b: -1 },
    head,
    usefulness,
  };
}

/** A ranking model as an earlier release stored it (linear weights): no longer servable. */
export function earlierFormatModel(): RankingModel {
  const linear = {
    features: LTR_FEATURES,
    mean: [],
    scale: [],
    weights: [],
    platt: { a: 1, b: 0 },
    head: 10,
  };
  return linear as unknown as RankingModel;
}
