import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Embedder } from '@engram/core';
import { StaticEmbedder } from '@engram/embed-static';
import { Memory } from 'mem0ai/oss';
import type { Question, Turn } from './locomo';
import { type QualityScores, rankingOf, score } from './metrics';

/**
 * Serves Engram's default embedder (the static table) over OpenAI's embeddings protocol, so
 * the peer runs with exactly the same vectors as Engram.
 */
async function embeddingServer(embedder: Embedder): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', async () => {
      const body = JSON.parse(raw) as { input: string | string[] };
      const input = Array.isArray(body.input) ? body.input : [body.input];
      const vectors = await embedder.embed(input);
      const data = vectors.map((v, index) => ({ object: 'embedding', index, embedding: Array.from(v) }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data,
          model: embedder.modelId,
          usage: { prompt_tokens: 0, total_tokens: 0 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

/**
 * mem0's open-source TypeScript memory (`mem0ai/oss`) on the same turns and questions: same
 * embedder, no LLM step (`infer: false` stores each turn as it is), searched per user.
 */
export async function mem0Quality(turns: Turn[], questions: Question[]): Promise<QualityScores> {
  process.env.MEM0_TELEMETRY = 'false'; // no network here, and none wanted from a benchmark
  const embedder = new StaticEmbedder();
  const { url, server } = await embeddingServer(embedder);
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-bench-mem0-'));
  try {
    const memory = new Memory({
      embedder: { provider: 'openai', config: { apiKey: 'local', baseURL: url, model: embedder.modelId } },
      vectorStore: {
        provider: 'memory',
        config: {
          collectionName: 'locomo',
          dimension: embedder.dimension,
          dbPath: path.join(dir, 'vectors.db'),
        },
      },
      llm: { provider: 'openai', config: { apiKey: 'unused', model: 'unused' } },
      disableHistory: true,
    } as ConstructorParameters<typeof Memory>[0]);
    for (const t of turns) {
      await memory.add(t.content, { userId: t.user_id, metadata: { dia_id: t.dia_id }, infer: false });
    }
    const rankings = [];
    for (const q of questions) {
      const res = (await memory.search(q.question, {
        filters: { user_id: q.user_id },
        limit: 20,
      } as never)) as {
        results: { metadata?: { dia_id?: string } }[];
      };
      rankings.push(
        rankingOf(
          q,
          res.results.map((r) => ({ memory: { metadata: r.metadata ?? {} } })),
        ),
      );
    }
    return score(rankings);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
