import {
  decodeCursor,
  type Entity,
  type EntityKind,
  type GraphNeighborhood,
  type GraphStore,
  type MentionWrite,
  type NewRelation,
  newId,
  nowIso,
  type PageRequest,
  pageOf,
  type Relation,
  rankEachByRareEntities,
  relationRecord,
  type ScoredId,
  shortestPath,
} from '@engram/core';
import { type Driver, int, type Record as Neo4jRecord } from 'neo4j-driver';

const MENTIONS = 'MENTIONS';
const normalize = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/** Created on start; uniqueness constraints also make MERGE safe under concurrent writers. */
export const SCHEMA = [
  'CREATE CONSTRAINT engram_node IF NOT EXISTS FOR (n:Node) REQUIRE (n.tenant_id, n.id) IS UNIQUE',
  'CREATE CONSTRAINT engram_entity IF NOT EXISTS FOR (e:Entity) REQUIRE (e.tenant_id, e.user_key, e.norm) IS UNIQUE',
  'CREATE INDEX engram_edge_type IF NOT EXISTS FOR ()-[r:EDGE]-() ON (r.tenant_id, r.type)',
];

type EntityProps = Entity & { user_key: string; norm: string };
// Neo4j stores no null properties: a missing user_id is an entity shared by the tenant.
const toEntity = ({ user_key: _u, norm: _n, ...e }: EntityProps): Entity => ({
  ...e,
  user_id: e.user_id ?? null,
});

/** An edge as the query returns it: its properties and the ids of its two ends. */
const RELATION = 'r { .*, source_id: startNode(r).id, target_id: endNode(r).id } AS r';
const toRelation = (record: Neo4jRecord): Relation => {
  const { metadata, ...r } = record.get('r') as Omit<Relation, 'metadata'> & { metadata: string };
  return { ...r, metadata: JSON.parse(metadata) };
};

/**
 * The graph in Neo4j: every memory and entity is a `:Node {tenant_id, id}` (entities also
 * `:Entity`), every relation an `:EDGE` whose `type` property names it (Cypher cannot take a
 * relationship type as a parameter). Every query matches on the tenant.
 */
export class Neo4jGraphStore implements GraphStore {
  constructor(
    private readonly driver: Driver,
    private readonly database?: string,
  ) {}

  async init(): Promise<void> {
    for (const statement of SCHEMA) await this.run(statement);
  }

  async writeMentions(tenantId: string, memories: MentionWrite[]): Promise<void> {
    if (memories.length === 0) return;
    // One statement (so one transaction) for all: each memory's old mentions go, its entities
    // are merged, and one edge is made per distinct entity (two names may normalize alike).
    await this.run(
      `UNWIND $memories AS item
       MERGE (m:Node {tenant_id: $tenant, id: item.memory}) ON CREATE SET m:Memory
       WITH m, item
       OPTIONAL MATCH (m)-[old:EDGE {type: '${MENTIONS}'}]->()
       DELETE old
       WITH DISTINCT m, item
       UNWIND item.entities AS row
       MERGE (e:Node:Entity {tenant_id: $tenant, user_key: item.userKey, norm: row.norm})
         ON CREATE SET e.id = row.id, e.user_id = item.userId, e.name = row.name, e.kind = row.kind, e.created_at = $now
       WITH m, e, min(row.edge) AS edge
       CREATE (m)-[:EDGE {id: edge, tenant_id: $tenant, type: '${MENTIONS}', metadata: '{}', created_at: $now}]->(e)`,
      {
        tenant: tenantId,
        now: nowIso(),
        memories: memories.map((m) => ({
          memory: m.memory_id,
          userKey: m.user_id ?? '',
          userId: m.user_id,
          entities: m.entities.map((e) => ({
            id: newId('ent'),
            edge: newId('rel'),
            name: e.name.trim(),
            norm: normalize(e.name),
            kind: e.kind,
          })),
        })),
      },
    );
  }

  async findEntities(tenantId: string, userId: string | null, names: string[]): Promise<Entity[]> {
    if (names.length === 0) return [];
    const records = await this.run(
      `MATCH (e:Entity {tenant_id: $tenant}) WHERE e.norm IN $norms AND ($userKey IS NULL OR e.user_key = $userKey)
       RETURN e { .* } AS e`,
      { tenant: tenantId, norms: names.map(normalize), userKey: userId },
    );
    return records.map((r) => toEntity(r.get('e')));
  }

  async addRelation(tenantId: string, relation: NewRelation): Promise<Relation> {
    const row = relationRecord(tenantId, relation);
    // A memory node may not exist yet (its index write can lag): create it; entities always exist.
    await this.run(
      `MERGE (a:Node {tenant_id: $tenant, id: $source}) ON CREATE SET a:Memory
       MERGE (b:Node {tenant_id: $tenant, id: $target}) ON CREATE SET b:Memory
       CREATE (a)-[:EDGE {id: $id, tenant_id: $tenant, type: $type, metadata: $metadata, created_at: $createdAt}]->(b)`,
      {
        tenant: tenantId,
        source: row.source_id,
        target: row.target_id,
        id: row.id,
        type: row.type,
        metadata: JSON.stringify(row.metadata),
        createdAt: row.created_at,
      },
    );
    return row;
  }

  async forgetUser(tenantId: string, userId: string): Promise<void> {
    await this.run('MATCH (e:Entity {tenant_id: $tenant, user_key: $user}) DETACH DELETE e', {
      tenant: tenantId,
      user: userId,
    });
  }

  async removeNode(tenantId: string, nodeId: string): Promise<void> {
    // A memory's node goes with its edges; an entity stays (other memories may name it later).
    await this.run(
      `MATCH (n:Node {tenant_id: $tenant, id: $id})
       OPTIONAL MATCH (n)-[r:EDGE]-()
       DELETE r
       WITH DISTINCT n WHERE NOT n:Entity
       DELETE n`,
      { tenant: tenantId, id: nodeId },
    );
  }

  async entitiesOf(tenantId: string, memoryIds: string[]): Promise<Map<string, Entity[]>> {
    const records = await this.run(
      `MATCH (m:Node {tenant_id: $tenant})-[:EDGE {type: '${MENTIONS}'}]->(e:Entity)
       WHERE m.id IN $ids RETURN m.id AS memory, e { .* } AS e`,
      { tenant: tenantId, ids: memoryIds },
    );
    const out = new Map<string, Entity[]>();
    for (const record of records) {
      const memory = record.get('memory') as string;
      out.set(memory, [...(out.get(memory) ?? []), toEntity(record.get('e'))]);
    }
    return out;
  }

  async memoriesMentioningEach(
    tenantId: string,
    entitySets: string[][],
    limit: number,
  ): Promise<ScoredId[][]> {
    // The mentions of every entity in any set, in one round trip; ranked per set here.
    const records = await this.run(
      `MATCH (e:Entity {tenant_id: $tenant}) WHERE e.id IN $ids
       MATCH (m:Node)-[:EDGE {type: '${MENTIONS}'}]->(e)
       RETURN m.id AS source_id, e.id AS target_id`,
      { tenant: tenantId, ids: [...new Set(entitySets.flat())] },
    );
    const edges = records.map((r) => ({
      source_id: r.get('source_id') as string,
      target_id: r.get('target_id') as string,
    }));
    return rankEachByRareEntities(edges, entitySets, limit);
  }

  async neighbors(
    tenantId: string,
    nodeId: string,
    depth: number,
    limit: number,
  ): Promise<GraphNeighborhood> {
    // Breadth first, one query per hop, so nodes come nearest first and a hub cannot blow up
    // a variable-length pattern.
    const seen = new Set([nodeId]);
    let frontier = [nodeId];
    for (let d = 0; d < depth && frontier.length && seen.size < limit; d++) {
      const next: string[] = [];
      for (const relation of await this.edgesTouching(tenantId, frontier)) {
        for (const id of [relation.source_id, relation.target_id]) {
          if (seen.has(id) || seen.size >= limit) continue;
          seen.add(id);
          next.push(id);
        }
      }
      frontier = next;
    }
    const nodes = [...seen];
    const records = await this.run(
      `MATCH (a:Node {tenant_id: $tenant})-[r:EDGE]->(b:Node {tenant_id: $tenant})
       WHERE a.id IN $nodes AND b.id IN $nodes RETURN ${RELATION} ORDER BY r.id`,
      { tenant: tenantId, nodes },
    );
    return { nodes, relations: records.map(toRelation) };
  }

  path(tenantId: string, fromId: string, toId: string, maxDepth: number): Promise<Relation[] | null> {
    return shortestPath(fromId, toId, maxDepth, (frontier) => this.edgesTouching(tenantId, frontier));
  }

  async listEntities(tenantId: string, filter: { user_id?: string; kind?: EntityKind }, page: PageRequest) {
    const after = decodeCursor(page.cursor);
    const records = await this.run(
      `MATCH (e:Entity {tenant_id: $tenant})
       WHERE ($user IS NULL OR e.user_key = $user) AND ($kind IS NULL OR e.kind = $kind) AND ($after IS NULL OR e.id < $after)
       WITH e ORDER BY e.id DESC LIMIT $limit
       RETURN e { .*, mentions: COUNT { (:Node)-[:EDGE {type: '${MENTIONS}'}]->(e) } } AS e`,
      {
        tenant: tenantId,
        user: filter.user_id ?? null,
        kind: filter.kind ?? null,
        after,
        limit: int(page.limit + 1),
      },
    );
    const rows = records.map((r) => {
      const { mentions, ...e } = r.get('e') as EntityProps & { mentions: number };
      return { ...toEntity(e), mentions };
    });
    return pageOf(rows, page.limit, (e) => e.id);
  }

  async getEntity(tenantId: string, id: string): Promise<Entity | null> {
    const [record] = await this.run('MATCH (e:Entity {tenant_id: $tenant, id: $id}) RETURN e { .* } AS e', {
      tenant: tenantId,
      id,
    });
    return record ? toEntity(record.get('e')) : null;
  }

  private async edgesTouching(tenantId: string, nodes: string[]): Promise<Relation[]> {
    const records = await this.run(
      `MATCH (a:Node {tenant_id: $tenant})-[r:EDGE]-(b:Node)
       WHERE a.id IN $nodes RETURN DISTINCT ${RELATION} ORDER BY r.id`,
      { tenant: tenantId, nodes },
    );
    return records.map(toRelation);
  }

  private async run(cypher: string, params: Record<string, unknown> = {}): Promise<Neo4jRecord[]> {
    const { records } = await this.driver.executeQuery(cypher, params, { database: this.database });
    return records;
  }
}
