import { newId, nowIso } from './ids';
import type { Relation } from './types';

/** The stored form of a new explicit relation, the same in every graph store. */
export function relationRecord(
  tenantId: string,
  relation: Pick<Relation, 'source_id' | 'target_id' | 'type'> & { metadata?: Relation['metadata'] },
): Relation {
  return {
    id: newId('rel'),
    tenant_id: tenantId,
    source_id: relation.source_id,
    target_id: relation.target_id,
    type: relation.type,
    metadata: relation.metadata ?? {},
    created_at: nowIso(),
  };
}
