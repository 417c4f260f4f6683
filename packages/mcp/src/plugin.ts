import type { Action, EngramPlugin, MemoryInput, Ports, Principal, RouteSpec, Services } from '@engram/core';
import { EngramError } from '@engram/core';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createMcpServer, type MemoryBackend } from './tools';

/** A JSON-RPC 2.0 message (or a batch of them), for /openapi.json; the transport validates. */
const jsonRpcMessage = z.union([
  z.looseObject({
    jsonrpc: z.literal('2.0'),
    method: z.string().optional(),
    id: z.union([z.string(), z.number()]).optional(),
  }),
  z.array(z.looseObject({ jsonrpc: z.literal('2.0') })),
]);

/** The services, bound to one caller: each tool checks the permission its REST route would. */
export function servicesBackend(principal: Principal, services: Services, ports: Ports): MemoryBackend {
  const allow = (action: Action) => {
    if (!ports.authorizer.can(principal, action)) {
      throw new EngramError('forbidden', `this key may not ${action}`);
    }
  };
  const tenant = principal.tenant_id;
  return {
    add: async (input) => {
      allow('memory:write');
      return services.memories.add(tenant, input as MemoryInput) as never;
    },
    search: async (request) => {
      allow('search');
      return services.search.search(principal, request) as never;
    },
    list: async ({ cursor, limit = 20, ...filter }) => {
      allow('memory:read');
      return services.memories.list(tenant, filter, { cursor, limit: Math.min(limit, 100) }) as never;
    },
    get: async (id) => {
      allow('memory:read');
      return services.memories.get(tenant, id) as never;
    },
    delete: async (id) => {
      allow('memory:delete');
      const memory = await services.memories.delete(tenant, id);
      return { id: memory.id, deleted: true };
    },
    forgetUser: async (userId) => {
      allow('memory:delete');
      return services.memories.forgetUser(tenant, userId);
    },
  };
}

/**
 * MCP over Streamable HTTP at /mcp, behind the same API key, rate limits and permissions as
 * /v1. Stateless: each POST carries one JSON-RPC exchange and gets a JSON answer, so any
 * server process can take any request (no session to pin to one process).
 */
export function mcpHttpPlugin(): EngramPlugin {
  let bound: { services: Services; ports: Ports } | null = null;
  const route: RouteSpec = {
    method: 'post',
    prefix: '/mcp',
    path: '/',
    summary: 'Model Context Protocol (Streamable HTTP, stateless): memory tools and resources for agents',
    tag: 'mcp',
    action: 'memory:read',
    body: jsonRpcMessage,
    // 406: the client must accept JSON and event streams (the transport's rule).
    errors: [406],
    protocolErrors: 'A JSON-RPC 2.0 error response (malformed message, unsupported Accept)',
    handler: async ({ req, res, principal }) => {
      if (!bound) throw new EngramError('dependency_unavailable', 'the server is starting');
      const server = createMcpServer(servicesBackend(principal, bound.services, bound.ports));
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      return undefined;
    },
  };
  return {
    name: 'mcp-http',
    setup(ctx) {
      ctx.http.routes.push(route);
      ctx.onReady((services, ports) => {
        bound = { services, ports };
      });
    },
  };
}
