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
