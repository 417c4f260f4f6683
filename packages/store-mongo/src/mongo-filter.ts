import type { MemoryFilter, MetadataCondition } from '@engram/core';

export type MongoQuery = Record<string, unknown>;

const RANGE_OPS = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' } as const;

function metadataQuery(condition: MetadataCondition): unknown {
  // A null condition means "present and null", as in the other stores (Mongo's {k: null} also
  // matches a missing key).
  if (condition === null) return { $eq: null, $exists: true };
  if (typeof condition !== 'object') return condition;
  if ('in' in condition) return { $in: condition.in };
  const range: Record<string, unknown> = {};
  for (const [op, mongoOp] of Object.entries(RANGE_OPS)) {
    const value = condition[op as keyof typeof RANGE_OPS];
    if (value !== undefined) range[mongoOp] = value;
  }
  return range;
}

/**
 * Translates a MemoryFilter to a query over documents that carry the memory's fields at the top
 * level (memories, and the text index's postings). The tenant is added by the caller.
 */
export function mongoFilter(filter: MemoryFilter): MongoQuery {
  const query: MongoQuery = {};
  for (const field of ['user_id', 'namespace', 'agent_id', 'session_id', 'type'] as const) {
    if (filter[field] !== undefined) query[field] = filter[field];
  }
  if (filter.tags?.length) query.tags = { $in: filter.tags };
  if (filter.created_after || filter.created_before) {
    query.created_at = {
      ...(filter.created_after ? { $gte: filter.created_after } : {}),
      ...(filter.created_before ? { $lt: filter.created_before } : {}),
    };
  }
  if (filter.valid_at) {
    // Documents from before validity existed lack the fields: they began when made, never ended.
    query.$and = [
      {
        $or: [
          { valid_from: { $lte: filter.valid_at } },
          { valid_from: null, created_at: { $lte: filter.valid_at } },
        ],
      },
      { $or: [{ valid_to: null }, { valid_to: { $gt: filter.valid_at } }] },
    ];
  }
  for (const [key, condition] of Object.entries(filter.metadata ?? {})) {
    // Core's schemas refuse keys with a dot or a leading $, which would address another path.
    query[`metadata.${key}`] = metadataQuery(condition);
  }
  return query;
}
