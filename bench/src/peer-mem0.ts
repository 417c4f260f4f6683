import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Embedder } from '@engram/core';
import { StaticEmbedder } from '@engram/embed-static';
import { Memory } from 'mem0ai/oss';
import type { Question, Turn } from './locomo';
import { type QualityScores, rankingOf, round, score } from './metrics';
import { load } from './speed';

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
  const { memory, close } = await openMem0();
  try {
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
    close();
  }
}

/** mem0's OSS memory with Engram's default embedder served to it, in a directory of its own. */
async function openMem0(): Promise<{ memory: Memory; close: () => void }> {
  process.env.MEM0_TELEMETRY = 'false'; // no network here, and none wanted from a benchmark
  const embedder = new StaticEmbedder();
  const { url, server } = await embeddingServer(embedder);
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-bench-mem0-'));
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
  return {
    memory,
    close: () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * mem0's ingest rate and per-user search latency on the same corpus Engram's speed run uses
 * (`infer: false`, no LLM), adding for at most `budgetSeconds`: it reports how many memories
 * it reached. mem0's OSS memory is a library (no HTTP API of its own), so it runs in this
 * process; like Engram's, each add and search includes one loopback HTTP call (its embeddings).
 */
export async function mem0Speed(
  memories: { content: string; user_id: string }[],
  questions: Question[],
  users: number,
  searchSeconds: number,
  budgetSeconds = 600,
) {
  const { memory, close } = await openMem0();
  try {
    const started = performance.now();
    let added = 0;
    for (const m of memories) {
      await memory.add(m.content, { userId: m.user_id, infer: false });
      added++;
      if (performance.now() - started > budgetSeconds * 1000) break;
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const search = await load(1, searchSeconds, (i) =>
      memory.search(questions[i % questions.length]!.question, {
        filters: { user_id: `user-${i % users}` },
        limit: 10,
      } as never),
    );
    return {
      memories: added,
      complete: added === memories.length,
      ingest_per_second: round(added / ingestSeconds, 1),
      search_p50_ms: search.p50_ms,
      search_p95_ms: search.p95_ms,
      search_rps: search.throughput_rps,
    };
  } finally {
    close();
  }
}
