import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, testEnv } from './helpers';

const STDIO_SERVER = require.resolve('@engram/mcp').replace(/index\.js$/, 'stdio.js');

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };
const json = (result: unknown) => JSON.parse((result as ToolResult).content[0]!.text);

/** The same conversation with the tools, whichever transport carries it. */
async function exercise(client: Client, user: string) {
  const tools = (await client.listTools()).tools.map((t) => t.name).sort();
  expect(tools).toEqual(
    ['add_memory', 'delete_memory', 'forget_user', 'get_memory', 'list_memories', 'search_memory'].sort(),
  );
  const added = json(
    await client.callTool({
      name: 'add_memory',
      arguments: { content: `${user} is vegetarian`, user_id: user },
    }),
  );
  expect(added.content).toBe(`${user} is vegetarian`);
  await client.callTool({
    name: 'add_memory',
    arguments: { content: `${user} lives in Oslo`, user_id: user },
  });
  const found = json(
    await client.callTool({
      name: 'search_memory',
      arguments: { query: 'vegetarian food', user_id: user, limit: 1 },
    }),
  );
  expect(found.results).toHaveLength(1);
  expect(found.results[0].id).toBe(added.id);
  const listed = json(await client.callTool({ name: 'list_memories', arguments: { user_id: user } }));
  expect(listed.data).toHaveLength(2);
  expect(json(await client.callTool({ name: 'get_memory', arguments: { id: added.id } })).id).toBe(added.id);
  const recent = await client.readResource({ uri: 'engram://memories/recent' });
  expect(
    JSON.parse((recent.contents[0] as { text: string }).text).map((m: { id: string }) => m.id),
  ).toContain(added.id);
  const one = await client.readResource({ uri: `engram://memories/${added.id}` });
  expect(JSON.parse((one.contents[0] as { text: string }).text).content).toBe(`${user} is vegetarian`);
  expect(json(await client.callTool({ name: 'delete_memory', arguments: { id: added.id } }))).toEqual({
    id: added.id,
    deleted: true,
  });
  const missing = (await client.callTool({ name: 'get_memory', arguments: { id: added.id } })) as ToolResult;
  expect(missing.isError).toBe(true);
  expect(missing.content[0]!.text).toMatch(/not found/);
  expect(json(await client.callTool({ name: 'forget_user', arguments: { user_id: user } }))).toEqual({
    deleted: 1,
  });
}

describe('MCP, tested with the MCP SDK client', () => {
  let engram: OssServer;
  let url: string;
  beforeAll(async () => {
    engram = await startServer(testEnv({ HOST: '127.0.0.1' }));
    const server = await engram.listen(0);
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => engram.close());

  it('over Streamable HTTP at /mcp, with the API key', async () => {
    const client = new Client({ name: 'engram-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${API_KEY}` } },
      }),
    );
    try {
      await exercise(client, 'hanna');
    } finally {
      await client.close();
    }
  });

  it('refuses /mcp without a key', async () => {
    const res = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
  });

  it('over stdio (npx @engram/mcp), talking to the server by URL and key', async () => {
    const client = new Client({ name: 'engram-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [STDIO_SERVER],
        env: { ENGRAM_URL: url, ENGRAM_API_KEY: API_KEY, PATH: process.env.PATH ?? '' },
        stderr: 'ignore',
      }),
    );
    try {
      await exercise(client, 'ivo');
    } finally {
      await client.close();
    }
  }, 30_000);
});
