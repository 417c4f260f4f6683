import type { Relation } from './types';

/**
 * Breadth-first shortest path over relations in either direction, one `edgesTouching` call per
 * hop (depth is small, ≤ 4), for graph stores whose query language has no cheaper way.
 */
export async function shortestPath(
  fromId: string,
  toId: string,
  maxDepth: number,
  edgesTouching: (nodes: string[]) => Promise<Relation[]>,
): Promise<Relation[] | null> {
  const via = new Map<string, Relation | null>([[fromId, null]]);
  let frontier = [fromId];
  for (let d = 0; d < maxDepth && frontier.length; d++) {
    const next: string[] = [];
    for (const edge of await edgesTouching(frontier)) {
      for (const [from, to] of [
        [edge.source_id, edge.target_id],
        [edge.target_id, edge.source_id],
      ] as const) {
        if (!frontier.includes(from) || via.has(to)) continue;
        via.set(to, edge);
        next.push(to);
      }
    }
    if (via.has(toId)) {
      const path: Relation[] = [];
      for (let node = toId; node !== fromId; ) {
        const edge = via.get(node)!;
        path.unshift(edge);
        node = edge.source_id === node ? edge.target_id : edge.source_id;
      }
      return path;
    }
    frontier = next;
  }
  return null;
}

/**
 * Memories ranked by the entities they share with a query, from MENTIONS edges (memory →
 * entity): each shared entity counts 1 / (memories mentioning it), so a name in every turn of a
 * conversation says little and a rare one says a lot. Best first, ties by id descending.
 */
export function rankByRareEntities(
  edges: { source_id: string; target_id: string }[],
  limit: number,
): { id: string; score: number }[] {
  const mentions = new Map<string, number>();
  for (const e of edges) mentions.set(e.target_id, (mentions.get(e.target_id) ?? 0) + 1);
  const scores = new Map<string, number>();
  for (const e of edges)
    scores.set(e.source_id, (scores.get(e.source_id) ?? 0) + 1 / mentions.get(e.target_id)!);
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1))
    .slice(0, limit);
}

/** `rankByRareEntities` for each set of entities, from the MENTIONS edges of all of them. */
export function rankEachByRareEntities(
  edges: { source_id: string; target_id: string }[],
  entitySets: string[][],
  limit: number,
): { id: string; score: number }[][] {
  return entitySets.map((set) => {
    const wanted = new Set(set);
    return rankByRareEntities(
      edges.filter((e) => wanted.has(e.target_id)),
      limit,
    );
  });
}
