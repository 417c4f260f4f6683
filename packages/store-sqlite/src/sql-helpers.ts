import type { MemoryFilter, MetadataCondition } from '@engram/core';

export type SqlValue = string | number | null;

export { decodeCursor, encodeCursor, pageOf } from '@engram/core';

/** JSON booleans come out of json_extract as 1/0. */
const sqlScalar = (v: unknown): SqlValue => (typeof v === 'boolean' ? (v ? 1 : 0) : (v as SqlValue));

function metadataSql(column: string, key: string, cond: MetadataCondition, params: SqlValue[]): string {
  const path = `'$."${key.replace(/["\\']/g, '')}"'`;
  const value = `json_extract(${column}, ${path})`;
  if (cond === null) return `json_type(${column}, ${path}) = 'null'`;
  if (typeof cond !== 'object') {
    params.push(sqlScalar(cond));
    return `${value} = ?`;
  }
  if ('in' in cond) {
    params.push(...cond.in.map(sqlScalar));
    return `${value} IN (${cond.in.map(() => '?').join(', ')})`;
  }
  const parts: string[] = [];
  for (const [op, sql] of [
    ['gt', '>'],
    ['gte', '>='],
    ['lt', '<'],
    ['lte', '<='],
  ] as const) {
    if (cond[op] === undefined) continue;
    params.push(cond[op]);
    parts.push(`${value} ${sql} ?`);
  }
  return parts.length ? parts.join(' AND ') : '1';
}

/** Translates a MemoryFilter to SQL over the `memories` table aliased as `alias`. */
export function filterSql(filter: MemoryFilter, alias = 'm'): { sql: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  for (const field of ['user_id', 'namespace', 'agent_id', 'session_id', 'type'] as const) {
    if (filter[field] === undefined) continue;
    clauses.push(`${alias}.${field} = ?`);
    params.push(filter[field]);
  }
  if (filter.tags?.length) {
    clauses.push(
      `EXISTS (SELECT 1 FROM json_each(${alias}.tags) WHERE value IN (${filter.tags.map(() => '?').join(', ')}))`,
    );
    params.push(...filter.tags);
  }
  if (filter.created_after) {
    clauses.push(`${alias}.created_at >= ?`);
    params.push(filter.created_after);
  }
  if (filter.created_before) {
    clauses.push(`${alias}.created_at < ?`);
    params.push(filter.created_before);
  }
  if (filter.valid_at) {
    // Rows from before validity existed have no valid_from: they began when they were made.
    clauses.push(
      `COALESCE(${alias}.valid_from, ${alias}.created_at) <= ? AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > ?)`,
    );
    params.push(filter.valid_at, filter.valid_at);
  }
  for (const [key, cond] of Object.entries(filter.metadata ?? {})) {
    clauses.push(`(${metadataSql(`${alias}.metadata`, key, cond, params)})`);
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

/** True when the filter says more than which user: the vector index must then scan exactly. */
export const narrowsBeyondUser = (filter: MemoryFilter): boolean =>
  Object.entries(filter).some(([k, v]) => k !== 'user_id' && v !== undefined);
