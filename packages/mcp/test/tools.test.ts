import { type Engram, inMemoryStorePlugin, type Principal } from '@engram/core';
import { startTestEngram } from '@engram/core/testing';
import { staticEmbedderPlugin } from '@engram/embed-static';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer, servicesBackend } from '../src/index';

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };

/** The tools on an in-process engine, as the server's /mcp route binds them to a caller's key. */
describe('MCP tools bound to a key', () => {
  let engram: Engram;
  beforeAll(async () => {
    engram = await startTestEngram([inMemoryStorePlugin(), staticEmbedderPlugin()]);
  });
  afterAll(() => engram.shutdown());

  async function connect(principal: Principal) {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(servicesBackend(principal, engram.services, engram.ports)).connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    return client;
  }

  it("checks each tool against the key's permissions", async () => {
    const writer = await connect({ tenant_id: 't1', subject: 'w', scopes: ['write'] });
    const reader = await connect({ tenant_id: 't1', subject: 'r', scopes: ['read'] });
    const added = (await writer.callTool({
      name: 'add_memory',
      arguments: { content: 'Lea speaks Basque', user_id: 'lea' },
    })) as ToolResult;
    const { id } = JSON.parse(added.content[0]!.text);
    const found = (await reader.callTool({
      name: 'search_memory',
      arguments: { query: 'Basque' },
    })) as ToolResult;
    expect(JSON.parse(found.content[0]!.text).results[0].id).toBe(id);
    const refused = (await reader.callTool({ name: 'delete_memory', arguments: { id } })) as ToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toMatch(/may not memory:delete/);
    expect((await engram.services.memories.get('t1', id)).content).toBe('Lea speaks Basque');
  });

  it('keeps each key inside its tenant', async () => {
    const other = await connect({ tenant_id: 't2', subject: 'o', scopes: ['admin'] });
    const { id } = await engram.services.memories.add('t1', { content: 'only in t1', user_id: 'u' });
    const seen = (await other.callTool({ name: 'get_memory', arguments: { id } })) as ToolResult;
    expect(seen.isError).toBe(true);
    const listed = (await other.callTool({ name: 'list_memories', arguments: {} })) as ToolResult;
    expect(JSON.parse(listed.content[0]!.text).data).toEqual([]);
  });

  it('refuses invalid arguments before they reach the engine', async () => {
    const writer = await connect({ tenant_id: 't1', subject: 'w', scopes: ['write'] });
    const result = (await writer.callTool({ name: 'add_memory', arguments: { content: '' } })) as ToolResult;
    expect(result.isError).toBe(true);
  });
});
