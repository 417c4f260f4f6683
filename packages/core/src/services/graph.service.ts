import { relationRequestSchema } from '../domain/schemas';
import type { Entity, EntityKind, Page, Relation } from '../domain/types';
import { validate } from '../domain/validate';
import { EngramError, invalid, notFound } from '../errors';
import type { GraphNeighborhood, GraphStore, MemoryStore } from '../ports/storage';

export const MAX_GRAPH_DEPTH = 4;

/** Explicit relations between memories and entities, and reads over the graph. */
export class GraphService {
  constructor(
    private readonly graph: GraphStore,
    private readonly memories: MemoryStore,
  ) {}

  async relate(tenantId: string, raw: unknown): Promise<Relation> {
    const input = validate(relationRequestSchema, raw);
    if (input.source_id === input.target_id) throw invalid('target_id', 'must differ from source_id');
    await this.assertNode(tenantId, input.source_id, 'source_id');
    await this.assertNode(tenantId, input.target_id, 'target_id');
    return this.graph.addRelation(tenantId, input);
  }

  async neighbors(tenantId: string, id: string, depth: number, limit: number): Promise<GraphNeighborhood> {
    await this.assertNode(tenantId, id, 'id', true);
    return this.graph.neighbors(tenantId, id, clampDepth(depth), limit);
  }

  async path(tenantId: string, from: string, to: string, maxDepth: number): Promise<Relation[]> {
    await this.assertNode(tenantId, from, 'from', true);
    await this.assertNode(tenantId, to, 'to', true);
    const path = await this.graph.path(tenantId, from, to, clampDepth(maxDepth));
    if (!path)
      throw new EngramError('not_found', `no path from ${from} to ${to} within ${clampDepth(maxDepth)} hops`);
    return path;
  }

  entities(
    tenantId: string,
    filter: { user_id?: string; kind?: EntityKind },
    page: { cursor?: string | null; limit: number },
  ): Promise<Page<Entity & { mentions: number }>> {
    return this.graph.listEntities(tenantId, filter, page);
  }

  private async assertNode(tenantId: string, id: string, field: string, missingIs404 = false): Promise<void> {
    const exists = id.startsWith('ent_')
      ? await this.graph.getEntity(tenantId, id)
      : await this.memories.get(tenantId, id);
    if (exists) return;
    throw missingIs404 ? notFound('node', id) : invalid(field, `${id} does not exist`);
  }
}

function clampDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_GRAPH_DEPTH)
    throw invalid('depth', `must be an integer from 1 to ${MAX_GRAPH_DEPTH}`);
  return depth;
}
