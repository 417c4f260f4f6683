import { isCurrent, type Json, type Memory } from './types';

/** A condition on one metadata key: a value (equality), `{in: [...]}`, or a range. */
export type MetadataCondition =
  | string
  | number
  | boolean
  | null
  | { in: (string | number | boolean | null)[] }
  | { gt?: number | string; gte?: number | string; lt?: number | string; lte?: number | string };

/**
 * Which memories an operation may see, beyond the tenant (always enforced separately).
 * Every store and index must honour all of it; core checks results against it once more.
 */
export interface MemoryFilter {
  user_id?: string;
  namespace?: string;
  agent_id?: string;
  session_id?: string;
  type?: string;
  /** Memories carrying any of these tags. */
  tags?: string[];
  metadata?: Record<string, MetadataCondition>;
  created_after?: string;
  created_before?: string;
  /** Only memories valid at this instant: begun by then (valid_from) and not yet ended (valid_to). */
  valid_at?: string;
}

const isRange = (
  c: MetadataCondition,
): c is { gt?: number | string; gte?: number | string; lt?: number | string; lte?: number | string } =>
  typeof c === 'object' && c !== null && !Array.isArray(c) && !('in' in c);

export function metadataMatches(value: Json | undefined, condition: MetadataCondition): boolean {
  if (condition !== null && typeof condition === 'object') {
    if ('in' in condition) return condition.in.some((v) => v === value);
    if (!isRange(condition) || (typeof value !== 'number' && typeof value !== 'string')) return false;
    if (condition.gt !== undefined && !(value > condition.gt)) return false;
    if (condition.gte !== undefined && !(value >= condition.gte)) return false;
    if (condition.lt !== undefined && !(value < condition.lt)) return false;
    if (condition.lte !== undefined && !(value <= condition.lte)) return false;
    return true;
  }
  return value === condition;
}

export function matchesFilter(memory: Memory, filter: MemoryFilter): boolean {
  if (filter.user_id !== undefined && memory.user_id !== filter.user_id) return false;
  if (filter.namespace !== undefined && memory.namespace !== filter.namespace) return false;
  if (filter.agent_id !== undefined && memory.agent_id !== filter.agent_id) return false;
  if (filter.session_id !== undefined && memory.session_id !== filter.session_id) return false;
  if (filter.type !== undefined && memory.type !== filter.type) return false;
  if (filter.tags?.length && !filter.tags.some((t) => memory.tags.includes(t))) return false;
  if (filter.created_after && memory.created_at < filter.created_after) return false;
  if (filter.created_before && memory.created_at >= filter.created_before) return false;
  if (filter.valid_at && !isCurrent(memory, filter.valid_at)) return false;
  for (const [key, condition] of Object.entries(filter.metadata ?? {})) {
    if (!metadataMatches(memory.metadata[key], condition)) return false;
  }
  return true;
}
