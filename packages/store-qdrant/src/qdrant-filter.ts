import { EngramError, type MemoryFilter, type MetadataCondition } from '@engram/core';

/** A Qdrant filter condition, in the REST API's JSON shape. */
export type Condition = Record<string, unknown>;

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

function metadataConditions(key: string, condition: MetadataCondition): Condition[] {
  const path = `metadata.${key}`;
  if (condition === null) return [{ is_null: { key: path } }];
  if (typeof condition === 'number' && !Number.isInteger(condition)) {
    // `match` takes keywords, integers and booleans; a float equality is a closed range.
    return [{ key: path, range: { gte: condition, lte: condition } }];
  }
  if (typeof condition !== 'object') return [{ key: path, match: { value: condition } }];
  if ('in' in condition) return [{ key: path, match: { any: condition.in } }];
  const range: Record<string, number | string> = {};
  for (const op of RANGE_KEYS) if (condition[op] !== undefined) range[op] = condition[op]!;
  const values = Object.values(range);
  if (values.some((v) => typeof v === 'string' && Number.isNaN(Date.parse(v)))) {
    throw new EngramError(
      'validation_failed',
      `filter.metadata.${key}: Qdrant compares strings only as dates`,
      {
        errors: [
          { field: `filter.metadata.${key}`, message: 'a string range must use ISO 8601 dates on Qdrant' },
        ],
      },
    );
  }
  return [{ key: path, range }];
}

/** Translates a tenant and a MemoryFilter to a Qdrant filter over the payload the index writes. */
export function qdrantFilter(tenantId: string, filter: MemoryFilter): { must: Condition[] } {
  const must: Condition[] = [{ key: 'tenant_id', match: { value: tenantId } }];
  for (const field of ['user_id', 'namespace', 'agent_id', 'session_id', 'type'] as const) {
    if (filter[field] !== undefined) must.push({ key: field, match: { value: filter[field] } });
  }
  if (filter.tags?.length) must.push({ key: 'tags', match: { any: filter.tags } });
  if (filter.created_after || filter.created_before) {
    must.push({
      key: 'created_at',
      range: {
        ...(filter.created_after ? { gte: filter.created_after } : {}),
        ...(filter.created_before ? { lt: filter.created_before } : {}),
      },
    });
  }
  for (const [key, condition] of Object.entries(filter.metadata ?? {})) {
    must.push(...metadataConditions(key, condition));
  }
  return { must };
}
