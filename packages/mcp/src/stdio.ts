#!/usr/bin/env node
import { EngramClient } from '@engram/client';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from './tools';

/**
 * `npx @engram/mcp`: Engram's memory tools over stdio for an MCP host (Claude Desktop, an IDE),
 * talking to an Engram server at ENGRAM_URL with ENGRAM_API_KEY. stdout carries the protocol,
 * so anything else goes to stderr.
 */
async function main(): Promise<void> {
  const client = new EngramClient();
  await createMcpServer({
    add: (input) => client.add(input as never),
    search: (request) => client.search(request),
    list: (query) => client.list(query),
    get: (id) => client.get(id),
    delete: (id) => client.delete(id),
    forgetUser: (userId) => client.forgetUser(userId),
  }).connect(new StdioServerTransport());
  process.stderr.write(`engram-mcp: serving ${client.url} over stdio\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`engram-mcp: ${(err as Error).message}\n`);
  process.exit(1);
});
