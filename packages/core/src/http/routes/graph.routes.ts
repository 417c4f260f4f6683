import { z } from 'zod';
import {
  EntityPageSchema,
  NeighborhoodSchema,
  PathSchema,
  RelationSchema,
} from '../../domain/response-schemas';
import { relationRequestSchema } from '../../domain/schemas';
import type { Engram } from '../../engram';
import { MAX_GRAPH_DEPTH } from '../../services/graph.service';
import { pageQuery, type RouteTable } from '../route';

export function graphRoutes(table: RouteTable, engram: Engram): void {
  const { graph } = engram.services;
  table.add({
    method: 'post',
    path: '/relations',
    summary: 'Relate two memories or entities',
    tag: 'graph',
    action: 'graph:write',
    body: relationRequestSchema,
    status: 201,
    errors: [404],
    response: RelationSchema,
    handler: ({ req, principal }) => graph.relate(principal.tenant_id, req.body),
  });
  table.add({
    method: 'get',
    path: '/graph/neighbors',
    summary: 'Nodes and relations within `depth` hops of a memory or entity',
    tag: 'graph',
    action: 'graph:read',
    errors: [404],
    query: z.object({
      id: z.string().min(1),
      depth: z.coerce.number().int().min(1).max(MAX_GRAPH_DEPTH).default(1),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: NeighborhoodSchema,
    handler: ({ principal, query }) =>
      graph.neighbors(principal.tenant_id, query.id, query.depth, query.limit),
  });
  table.add({
    method: 'get',
    path: '/graph/entities',
    summary: 'Entities extracted from memories, with how many memories mention each',
    tag: 'graph',
    action: 'graph:read',
    query: pageQuery.extend({
      user_id: z.string().optional(),
      kind: z.enum(['person', 'place', 'organization', 'topic']).optional(),
    }),
    response: EntityPageSchema,
    handler: ({ principal, query }) => {
      const { cursor, limit, ...filter } = query;
      return graph.entities(principal.tenant_id, filter, { cursor, limit });
    },
  });
  table.add({
    method: 'get',
    path: '/graph/paths',
    summary: 'The shortest path between two nodes',
    tag: 'graph',
    action: 'graph:read',
    errors: [404],
    query: z.object({
      from: z.string().min(1),
      to: z.string().min(1),
      max_depth: z.coerce.number().int().min(1).max(MAX_GRAPH_DEPTH).default(4),
    }),
    response: PathSchema,
    handler: async ({ principal, query }) => ({
      relations: await graph.path(principal.tenant_id, query.from, query.to, query.max_depth),
    }),
  });
}
