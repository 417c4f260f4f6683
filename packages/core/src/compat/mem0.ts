import { z } from 'zod';
import type { MemoryFilter } from '../domain/filter';
import type { Memory } from '../domain/types';
import { validate } from '../domain/validate';
import { EngramError } from '../errors';
import { type RouteSpec, requireParam } from '../http/route';
import type { EngramPlugin } from '../plugin';
import type { Ports } from '../ports';
import type { Services } from '../services';

/** A memory as mem0's API returns it. */
const view = (m: Memory) => ({
  id: m.id,
  memory: m.content,
  user_id: m.user_id,
  agent_id: m.agent_id,
  run_id: m.session_id,
  app_id: m.namespace,
  metadata: m.metadata,
  categories: m.tags,
  created_at: m.created_at,
  updated_at: m.updated_at,
  expiration_date: m.valid_to,
});

const entity = z.string().min(1).max(256).optional();
const scope = { user_id: entity, agent_id: entity, run_id: entity, app_id: entity };
const filtersSchema = z.object(scope).catchall(z.unknown());

/** mem0's entity fields (`run_id` is a session, `app_id` a namespace), from a body or its filters (`AND` of equalities). */
function scopeOf(body: { filters?: unknown } & Record<string, unknown>): MemoryFilter {
  const flat: Record<string, unknown> = { ...body };
  const filters = body.filters as Record<string, unknown> | undefined;
  if (filters) {
    Object.assign(flat, filters);
    for (const part of Array.isArray(filters.AND) ? filters.AND : []) Object.assign(flat, part);
  }
  const s = validate(filtersSchema, flat);
  return {
    ...(s.user_id !== undefined && { user_id: s.user_id }),
    ...(s.agent_id !== undefined && { agent_id: s.agent_id }),
    ...(s.run_id !== undefined && { session_id: s.run_id }),
    ...(s.app_id !== undefined && { namespace: s.app_id }),
  };
}

const addSchema = z
  .object({
    messages: z.union([
      z.string().min(1),
      z.array(z.object({ role: z.enum(['user', 'assistant', 'system']), content: z.string().min(1) })).min(1),
    ]),
    ...scope,
    metadata: z.record(z.string(), z.json()).optional(),
    infer: z.boolean().optional(),
  })
  .catchall(z.unknown());

/**
 * mem0's API on Engram (its platform client's paths, `Authorization: Token <key>` and shapes),
 * so an existing mem0 integration changes only its host: add, search, list, get, update,
 * delete, delete-all and history. `run_id` maps to a session and `app_id` to a namespace; mem0's
 * `infer` defaults to on when a chat model is configured (ENGRAM_LLM_URL), else messages are
 * stored as they are.
 */
export function mem0CompatPlugin(): EngramPlugin {
  let services: Services | null = null;
  let ports: Ports | null = null;
  const use = () => {
    if (!services || !ports) throw new EngramError('dependency_unavailable', 'the server is starting');
    return { services, ports };
  };
  const routes: RouteSpec[] = [
    {
      method: 'get',
      path: '/ping',
      summary: 'mem0 compatibility: check a key',
      tag: 'mem0',
      action: 'memory:read',
      handler: async ({ principal }) => ({
        status: 'ok',
        org_id: principal.tenant_id,
        project_id: principal.tenant_id,
        user_email: null,
      }),
    },
    {
      method: 'post',
      path: '/memories/add',
      prefix: '/v3',
      summary: 'mem0 compatibility: add messages (stored, or with infer turned into facts)',
      tag: 'mem0',
      action: 'memory:write',
      errors: [413, 422, 502],
      body: addSchema,
      handler: async ({ req, principal }) => {
        const { services: s, ports: p } = use();
        const body = validate(addSchema, req.body);
        const where = scopeOf(body);
        const messages =
          typeof body.messages === 'string'
            ? [{ role: 'user' as const, content: body.messages }]
            : body.messages;
        const outcome = await s.conversations.add(principal.tenant_id, {
          messages,
          ...where,
          ...(body.metadata && { metadata: body.metadata }),
          infer: body.infer ?? p.chatModel !== null,
        });
        return {
          results: outcome.results.map((r) => ({
            id: r.memory.id,
            memory: r.memory.content,
            event: r.event,
          })),
        };
      },
    },
    {
      method: 'post',
      path: '/memories/search',
      prefix: '/v3',
      summary: 'mem0 compatibility: search',
      tag: 'mem0',
      action: 'memory:read',
      handler: async ({ req, principal }) => {
        const { services: s } = use();
        const body = (req.body ?? {}) as { query?: unknown; top_k?: unknown; filters?: unknown };
        const { user_id, namespace, ...filters } = scopeOf(body as Record<string, unknown>);
        const found = await s.search.search(principal, {
          query: body.query,
          ...(user_id !== undefined && { user_id }),
          ...(namespace !== undefined && { namespace }),
          ...(Object.keys(filters).length && { filters }),
          ...(body.top_k !== undefined && { top_k: body.top_k }),
        });
        return { results: found.results.map((r) => ({ ...view(r.memory), score: r.score })) };
      },
    },
    {
      method: 'post',
      path: '/memories',
      prefix: '/v3',
      summary: 'mem0 compatibility: list memories (page, page_size)',
      tag: 'mem0',
      action: 'memory:read',
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        page_size: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      handler: async ({ req, principal, query }) => {
        const { services: s } = use();
        const { page, page_size } = query as { page: number; page_size: number };
        const where = scopeOf((req.body ?? {}) as Record<string, unknown>);
        let cursor: string | null | undefined;
        let data: Memory[] = [];
        for (let p = 1; p <= page; p++) {
          const listed = await s.memories.list(principal.tenant_id, where, { cursor, limit: page_size });
          data = listed.data;
          cursor = listed.next_cursor;
          if (!cursor && p < page) return { count: 0, next: null, previous: null, results: [] };
        }
        return {
          count: data.length,
          next: cursor ? page + 1 : null,
          previous: page > 1 ? page - 1 : null,
          results: data.map(view),
        };
      },
    },
    {
      method: 'get',
      path: '/memories/:id',
      summary: 'mem0 compatibility: get a memory',
      tag: 'mem0',
      action: 'memory:read',
      handler: async ({ req, principal }) =>
        view(await use().services.memories.get(principal.tenant_id, requireParam(req, 'id'))),
    },
    {
      method: 'put',
      path: '/memories/:id',
      summary: 'mem0 compatibility: update a memory (text, metadata, expiration_date)',
      tag: 'mem0',
      action: 'memory:write',
      errors: [409, 413],
      handler: async ({ req, principal }) => {
        const body = (req.body ?? {}) as { text?: unknown; metadata?: unknown; expiration_date?: unknown };
        const updated = await use().services.memories.update(principal.tenant_id, requireParam(req, 'id'), {
          ...(body.text !== undefined && { content: body.text }),
          ...(body.metadata !== undefined && { metadata: body.metadata }),
          ...(body.expiration_date !== undefined && { valid_to: body.expiration_date }),
        });
        return view(updated);
      },
    },
    {
      method: 'delete',
      path: '/memories/:id',
      summary: 'mem0 compatibility: delete a memory',
      tag: 'mem0',
      action: 'memory:delete',
      handler: async ({ req, principal }) => {
        await use().services.memories.delete(principal.tenant_id, requireParam(req, 'id'));
        return { message: 'Memory deleted successfully!' };
      },
    },
    {
      method: 'get',
      path: '/memories/:id/history',
      summary: "mem0 compatibility: a memory's history",
      tag: 'mem0',
      action: 'memory:read',
      handler: async ({ req, principal }) => {
        const versions = await use().services.memories.history(principal.tenant_id, requireParam(req, 'id'));
        return versions.map((v, i) => ({
          id: `${v.memory_id}_v${v.version}`,
          memory_id: v.memory_id,
          old_memory: i > 0 ? versions[i - 1]!.content : null,
          new_memory: v.content,
          event: v.change === 'created' ? 'ADD' : v.change === 'expired' ? 'DELETE' : 'UPDATE',
          created_at: v.created_at,
        }));
      },
    },
    {
      method: 'delete',
      path: '/memories',
      summary: 'mem0 compatibility: delete every memory of a user',
      tag: 'mem0',
      action: 'memory:delete',
      query: z.object({ user_id: z.string().min(1).optional() }),
      handler: async ({ principal, query }) => {
        const { user_id } = query as { user_id?: string };
        if (!user_id)
          throw new EngramError('validation_failed', 'user_id: required', {
            errors: [{ field: 'user_id', message: 'required' }],
          });
        await use().services.memories.forgetUser(principal.tenant_id, user_id);
        return { message: 'Memories deleted successfully!' };
      },
    },
  ];
  return {
    name: 'compat-mem0',
    setup(ctx) {
      ctx.http.routes.push(...routes);
      ctx.onReady((s, p) => {
        services = s;
        ports = p;
      });
    },
  };
}
