import type {
  AddedMemory,
  AddMemoryRequest,
  ConversationOutcome,
  ListMemoriesQuery,
  Memory,
  Page,
  SearchRequest,
  SearchResponse,
} from '@engram/client';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/**
 * What the tools need of Engram. The stdio server passes an `EngramClient` (over HTTP); the
 * server's /mcp route passes the services themselves, bound to the caller's key.
 */
export interface MemoryBackend {
  add(input: AddMemoryRequest): Promise<AddedMemory | ConversationOutcome>;
  search(request: SearchRequest): Promise<SearchResponse>;
  list(query: ListMemoriesQuery & { cursor?: string | null }): Promise<Page<Memory>>;
  get(id: string): Promise<Memory>;
  delete(id: string): Promise<{ id: string; deleted: true }>;
  forgetUser(userId: string): Promise<{ deleted: number }>;
}

export const VERSION = '0.1.0';
const RECENT = 20;

const scope = {
  user_id: z.string().min(1).max(256).optional().describe('The end user the memory belongs to'),
  namespace: z.string().min(1).max(256).optional().describe('Grouping within the project'),
  session_id: z.string().min(1).max(256).optional().describe('Conversation or session'),
};

/** A tool's answer: the result as JSON text, or the error as the model should read it. */
async function answer(run: () => Promise<unknown>) {
  try {
    const result = await run();
    return { content: [{ type: 'text' as const, text: JSON.stringify(result, null, 2) }] };
  } catch (err) {
    return { isError: true, content: [{ type: 'text' as const, text: (err as Error).message }] };
  }
}

/** Compact search results for a model's context: what it needs, not every field. */
const briefly = (response: SearchResponse) => ({
  search_id: response.search_id,
  results: response.results.map((r) => ({
    id: r.memory.id,
    content: r.memory.content,
    score: Number(r.score.toFixed(4)),
    user_id: r.memory.user_id,
    session_id: r.memory.session_id,
    created_at: r.memory.created_at,
  })),
});

/** Engram's memory tools and resources on one MCP server. */
export function createMcpServer(backend: MemoryBackend): McpServer {
  const server = new McpServer({ name: 'engram', version: VERSION });
  server.registerTool(
    'add_memory',
    {
      title: 'Add a memory',
      description:
        'Remember something about a user for later: a fact, a preference, an event. An identical current memory is not stored twice.',
      inputSchema: {
        content: z.string().min(1).describe('What to remember, as a self-contained sentence'),
        ...scope,
        tags: z.array(z.string().min(1).max(64)).max(32).optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      },
    },
    (args) => answer(() => backend.add(args as AddMemoryRequest)),
  );
  server.registerTool(
    'search_memory',
    {
      title: 'Search memories',
      description: 'Find the memories most relevant to a question, by meaning, keywords and relations.',
      inputSchema: {
        query: z.string().min(1).max(4000),
        user_id: scope.user_id,
        namespace: scope.namespace,
        limit: z.number().int().min(1).max(100).optional().describe('How many results (default 10)'),
      },
      annotations: { readOnlyHint: true },
    },
    async (args) => answer(async () => briefly(await backend.search({ ...args, limit: args.limit ?? 10 }))),
  );
  server.registerTool(
    'list_memories',
    {
      title: 'List memories',
      description: 'Memories newest first, one page at a time; pass next_cursor back as cursor for more.',
      inputSchema: {
        ...scope,
        limit: z.number().int().min(1).max(100).optional(),
        cursor: z.string().optional(),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => answer(() => backend.list({ ...args, limit: args.limit ?? 20 })),
  );
  server.registerTool(
    'get_memory',
    {
      title: 'Get a memory',
      description: 'One memory by id, with its metadata and validity.',
      inputSchema: { id: z.string().min(1) },
      annotations: { readOnlyHint: true },
    },
    ({ id }) => answer(() => backend.get(id)),
  );
  server.registerTool(
    'delete_memory',
    {
      title: 'Delete a memory',
      description: 'Delete one memory and its history.',
      inputSchema: { id: z.string().min(1) },
      annotations: { destructiveHint: true },
    },
    ({ id }) => answer(() => backend.delete(id)),
  );
  server.registerTool(
    'forget_user',
    {
      title: 'Forget a user',
      description: 'Delete every memory of one user (for a right-to-be-forgotten request).',
      inputSchema: { user_id: z.string().min(1).max(256) },
      annotations: { destructiveHint: true },
    },
    ({ user_id }) => answer(() => backend.forgetUser(user_id)),
  );
  server.registerResource(
    'recent-memories',
    'engram://memories/recent',
    { title: 'Recent memories', description: `The ${RECENT} newest memories`, mimeType: 'application/json' },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify((await backend.list({ limit: RECENT })).data),
        },
      ],
    }),
  );
  server.registerResource(
    'memory',
    new ResourceTemplate('engram://memories/{id}', { list: undefined }),
    { title: 'A memory', mimeType: 'application/json' },
    async (uri, { id }) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await backend.get(String(id))) },
      ],
    }),
  );
  return server;
}
