import { z } from 'zod';
import {
  AddedMemorySchema,
  ConversationOutcomeSchema,
  DeletedSchema,
  ForgottenSchema,
  MemoryHistorySchema,
  MemoryPageSchema,
  MemorySchema,
} from '../../domain/response-schemas';
import { addRequestSchema, memoryUpdateSchema } from '../../domain/schemas';
import type { Engram } from '../../engram';
import { invalid } from '../../errors';
import type { Principal } from '../../ports/edition';
import { pageQuery, type RouteTable, requireParam } from '../route';

const listQuery = pageQuery.extend({
  user_id: z.string().optional(),
  namespace: z.string().optional(),
  agent_id: z.string().optional(),
  session_id: z.string().optional(),
  valid_at: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only memories valid at this instant (default: every memory, current or expired)'),
});

export function memoryRoutes(
  table: RouteTable,
  engram: Engram,
  onAdd: (count: number, principal: Principal) => void,
): void {
  const { memories } = engram.services;
  table.add({
    method: 'post',
    path: '/memory',
    summary:
      'Add a memory (`content`), or a conversation (`messages`, stored per message or, with `infer`, turned into facts by the LLM); an identical current memory is returned with 200 and "deduplicated": true',
    tag: 'memory',
    action: 'memory:write',
    body: addRequestSchema,
    status: 201,
    alternateStatus: 200,
    errors: [409, 422, 502, 503],
    response: z.union([AddedMemorySchema, ConversationOutcomeSchema]),
    handler: async ({ req, res, principal }) => {
      const body = req.body as { messages?: unknown; infer?: unknown } | undefined;
      if (body?.messages !== undefined || body?.infer !== undefined) {
        const outcome = await engram.services.conversations.add(principal.tenant_id, req.body);
        const added = outcome.results.filter((r) => r.event === 'ADD' || r.event === 'UPDATE').length;
        if (added) onAdd(added, principal);
        else res.locals.status = 200;
        return outcome;
      }
      const memory = await memories.add(principal.tenant_id, req.body);
      if (memory.deduplicated) res.locals.status = 200;
      else onAdd(1, principal);
      return memory;
    },
  });
  table.add({
    method: 'get',
    path: '/memory',
    summary: 'List memories, newest first, in cursor pages',
    tag: 'memory',
    action: 'memory:read',
    query: listQuery,
    response: MemoryPageSchema,
    handler: async ({ principal, query }) => {
      const { cursor, limit, ...filter } = query;
      return memories.list(principal.tenant_id, filter, { cursor, limit });
    },
  });
  table.add({
    method: 'delete',
    path: '/memory',
    summary: 'Forget every memory of one user',
    tag: 'memory',
    action: 'memory:delete',
    query: z.object({ user_id: z.string().min(1).optional() }),
    response: ForgottenSchema,
    handler: async ({ principal, query }) => {
      // Refuse rather than guess: deleting without a user would erase the whole tenant.
      if (!query.user_id) throw invalid('user_id', 'required: the user whose memories to forget');
      return memories.forgetUser(principal.tenant_id, query.user_id);
    },
  });
  table.add({
    method: 'get',
    path: '/memory/:id',
    summary: 'Get a memory',
    tag: 'memory',
    action: 'memory:read',
    response: MemorySchema,
    handler: ({ req, principal }) => memories.get(principal.tenant_id, requireParam(req, 'id')),
  });
  table.add({
    method: 'put',
    path: '/memory/:id',
    summary: 'Update a memory (the previous version is kept in its history)',
    tag: 'memory',
    action: 'memory:write',
    body: memoryUpdateSchema,
    errors: [409],
    response: MemorySchema,
    handler: ({ req, principal }) => memories.update(principal.tenant_id, requireParam(req, 'id'), req.body),
  });
  table.add({
    method: 'delete',
    path: '/memory/:id',
    summary: 'Delete a memory and its history',
    tag: 'memory',
    action: 'memory:delete',
    response: DeletedSchema,
    handler: async ({ req, principal }) => {
      const memory = await memories.delete(principal.tenant_id, requireParam(req, 'id'));
      return { id: memory.id, deleted: true };
    },
  });
  table.add({
    method: 'get',
    path: '/memory/:id/history',
    summary: "A memory's versions, oldest first",
    tag: 'memory',
    action: 'memory:read',
    response: MemoryHistorySchema,
    handler: async ({ req, principal }) => ({
      data: await memories.history(principal.tenant_id, requireParam(req, 'id')),
    }),
  });
}
