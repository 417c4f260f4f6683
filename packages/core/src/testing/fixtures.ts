import { newId, nowIso } from '../domain/ids';
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
