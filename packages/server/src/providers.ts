import path from 'node:path';
import {
  ApiKeyAuthenticator,
  CachedEmbedder,
  defineProvider,
  EngramError,
  installId,
  keyHashes,
  LlmEntityExtractor,
  ModelFileReranker,
  mem0CompatPlugin,
  OpenAIChatModel,
  OpenAIEmbedder,
  PostHogTelemetry,
  type Provider,
  rulesExtractorPlugin,
} from '@engram/core';
import { staticEmbedderPlugin } from '@engram/embed-static';
import type * as TransformersEmbedder from '@engram/embed-transformers';
import { MODEL_ID as USE_LITE_MODEL_ID, useLiteEmbedderPlugin } from '@engram/embed-use';
import { mcpHttpPlugin } from '@engram/mcp';
import { bullMqPlugin } from '@engram/queue-bullmq';
import { mongoStorePlugin } from '@engram/store-mongo';
import { neo4jGraphPlugin } from '@engram/store-neo4j';
import { qdrantVectorPlugin } from '@engram/store-qdrant';
import { indexedEmbeddingModel, SQLITE_PORTS, sqliteStorePlugin } from '@engram/store-sqlite';
import { z } from 'zod';

import type { ServerPlugin } from './server';
import { flag } from './settings';

/** The embedded data file every edition keeps in its data directory. */
export const dataFile = (dataDir: string) => path.join(dataDir, 'engram.db');

const url = (what: string) => z.url().optional().describe(what);
const text = (what: string) => z.string().min(1).optional().describe(what);

// ---- storage: production backends by URL, composed before the embedded file that keeps the rest

export const mongoProvider = defineProvider({
  name: 'store-mongo',
  ports: ['memoryStore', 'textIndex', 'logStore', 'batchStore', 'webhookStore', 'jobStore'],
  description: 'Memories, history, logs, batches, webhooks, the outbox and the text index on MongoDB',
  settings: z.object({
    MONGODB_URL: url('MongoDB (or FerretDB) for memories, logs, batches, webhooks and text'),
  }),
  enabled: (s) => Boolean(s.MONGODB_URL),
  create: (s) => mongoStorePlugin({ url: s.MONGODB_URL! }),
});

export const neo4jProvider = defineProvider({
  name: 'store-neo4j',
  ports: ['graphStore'],
  description: 'The graph (entities, mentions, relations) on Neo4j',
  settings: z.object({
    NEO4J_URL: url('Neo4j (bolt://…) for the graph'),
    NEO4J_USER: text('Neo4j user'),
    NEO4J_PASSWORD: text('Neo4j password'),
    NEO4J_DATABASE: text('Neo4j database (default: the server default)'),
  }),
  enabled: (s) => Boolean(s.NEO4J_URL),
  create: (s) =>
    neo4jGraphPlugin({
      url: s.NEO4J_URL!,
      user: s.NEO4J_USER,
      password: s.NEO4J_PASSWORD,
      database: s.NEO4J_DATABASE,
    }),
});

export const qdrantProvider = defineProvider({
  name: 'store-qdrant',
  ports: ['vectorIndex'],
  description: 'Vectors on Qdrant, filtered by payload',
  settings: z.object({
    QDRANT_URL: url('Qdrant for vectors'),
    QDRANT_API_KEY: text('Qdrant API key'),
    QDRANT_COLLECTION: text('Qdrant collection (default engram_memories)'),
  }),
  enabled: (s) => Boolean(s.QDRANT_URL),
  create: (s) =>
    qdrantVectorPlugin({ url: s.QDRANT_URL!, apiKey: s.QDRANT_API_KEY, collection: s.QDRANT_COLLECTION }),
});

export const redisProvider = defineProvider({
  name: 'queue-bullmq',
  ports: ['jobQueue'],
  description: 'Background work (batches, deliveries, index repair) on Redis with BullMQ',
  settings: z.object({ REDIS_URL: url('Redis for background work (BullMQ)') }),
  enabled: (s) => Boolean(s.REDIS_URL),
  create: (s) => bullMqPlugin({ url: s.REDIS_URL! }),
});

export const sqliteProvider = defineProvider({
  name: 'store-sqlite',
  ports: SQLITE_PORTS,
  description: 'The embedded default: every storage port no backend above took, in one SQLite file',
  settings: z.object({}),
  create: (_s, ctx) => sqliteStorePlugin({ path: dataFile(ctx.dataDir) }),
});

// ---- embedders: one is chosen by ENGRAM_EMBEDDER, or by the model the data file was indexed with

const EMBEDDERS = ['static', 'use-lite', 'transformers', 'openai'] as const;
const embedderChoice = z
  .enum(EMBEDDERS)
  .optional()
  .describe(
    'static (default for a new data file), use-lite, transformers (local ONNX) or openai (any compatible server)',
  );
const embedderModel = text('Model: the openai model name, or the transformers hub id or folder');

/** ENGRAM_EMBEDDER when set; else the static table, or USE-lite for a file already indexed with it. */
export function chosenEmbedder(choice: (typeof EMBEDDERS)[number] | undefined, dataDir: string) {
  if (choice) return choice;
  return indexedEmbeddingModel(dataFile(dataDir)) === USE_LITE_MODEL_ID ? 'use-lite' : 'static';
}

export const staticEmbedderProvider = defineProvider({
  name: 'embed-static',
  ports: ['embedder'],
  description: 'Offline word-table embedder distilled from USE-lite (the default)',
  settings: z.object({ ENGRAM_EMBEDDER: embedderChoice }),
  enabled: (s, ctx) => chosenEmbedder(s.ENGRAM_EMBEDDER, ctx.dataDir) === 'static',
  create: () => staticEmbedderPlugin(),
});

export const useLiteEmbedderProvider = defineProvider({
  name: 'embed-use',
  ports: ['embedder'],
  description: 'Offline Universal Sentence Encoder lite on worker threads',
  settings: z.object({
    ENGRAM_EMBEDDER: embedderChoice,
    ENGRAM_EMBEDDER_THREADS: z
      .string()
      .regex(/^[1-9]\d*$/, 'a positive integer')
      .transform(Number)
      .optional()
      .describe('Worker threads for use-lite (default: cores, at most 4)'),
  }),
  enabled: (s, ctx) => chosenEmbedder(s.ENGRAM_EMBEDDER, ctx.dataDir) === 'use-lite',
  create: (s) => useLiteEmbedderPlugin({ threads: s.ENGRAM_EMBEDDER_THREADS }),
});

/**
 * The transformers embedder brings the ONNX runtimes (about 385 MB) that no other embedder loads,
 * so the image leaves it out unless built with WITH_TRANSFORMERS=true (docker/build-app.sh). It
 * is loaded only when chosen, with a clear message when it was left out.
 */
function loadTransformersEmbedder(): typeof TransformersEmbedder {
  try {
    return require('@engram/embed-transformers') as typeof TransformersEmbedder;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new EngramError(
      'config_invalid',
      'ENGRAM_EMBEDDER=transformers needs @engram/embed-transformers and its ONNX runtime, which this build left out: build the image with --build-arg WITH_TRANSFORMERS=true',
    );
  }
}

export const transformersEmbedderProvider = defineProvider({
  name: 'embed-transformers',
  ports: ['embedder'],
  description: 'A local ONNX sentence model (MiniLM, BGE…) with transformers.js',
  settings: z.object({
    ENGRAM_EMBEDDER: embedderChoice,
    ENGRAM_EMBEDDER_MODEL: embedderModel,
    ENGRAM_EMBEDDER_POOLING: z
      .enum(['mean', 'cls'])
      .optional()
      .describe('mean, or cls for BGE (default mean)'),
    ENGRAM_EMBEDDER_CACHE_DIR: text('Where transformers models are cached'),
    ENGRAM_EMBEDDER_ALLOW_DOWNLOAD: flag.describe(
      'Fetch a transformers model missing from the cache (off: never)',
    ),
  }),
  enabled: (s) => s.ENGRAM_EMBEDDER === 'transformers',
  create: (s) =>
    loadTransformersEmbedder().transformersEmbedderPlugin({
      model: s.ENGRAM_EMBEDDER_MODEL ?? 'Xenova/all-MiniLM-L6-v2',
      pooling: s.ENGRAM_EMBEDDER_POOLING ?? 'mean',
      cacheDir: s.ENGRAM_EMBEDDER_CACHE_DIR,
      allowDownload: s.ENGRAM_EMBEDDER_ALLOW_DOWNLOAD,
    }),
});

const openAiKey = text('Key for OpenAI-compatible embedder and extractor when their own is unset');

export const openAiEmbedderProvider = defineProvider({
  name: 'embed-openai',
  ports: ['embedder'],
  description: 'Any OpenAI-compatible embeddings server (OpenAI, Ollama, vLLM, TEI)',
  settings: z.object({
    ENGRAM_EMBEDDER: embedderChoice,
    ENGRAM_EMBEDDER_MODEL: embedderModel,
    ENGRAM_EMBEDDER_URL: url('OpenAI-compatible embeddings base URL (default https://api.openai.com/v1)'),
    ENGRAM_EMBEDDER_DIMENSION: z
      .string()
      .regex(/^[1-9]\d*$/, 'a positive integer')
      .transform(Number)
      .optional()
      .describe('Dimension of the openai model (default 1536)'),
    ENGRAM_EMBEDDER_API_KEY: text('API key of the embeddings server'),
    OPENAI_API_KEY: openAiKey,
  }),
  enabled: (s) => s.ENGRAM_EMBEDDER === 'openai',
  create: (s) => ({
    name: 'embed-openai',
    setup: (ctx) =>
      ctx.provide(
        'embedder',
        new CachedEmbedder(
          new OpenAIEmbedder({
            baseUrl: s.ENGRAM_EMBEDDER_URL ?? 'https://api.openai.com/v1',
            model: s.ENGRAM_EMBEDDER_MODEL ?? 'text-embedding-3-small',
            dimension: s.ENGRAM_EMBEDDER_DIMENSION ?? 1536,
            apiKey: s.ENGRAM_EMBEDDER_API_KEY ?? s.OPENAI_API_KEY,
          }),
        ),
      ),
  }),
});

// ---- entity extraction

const extractorChoice = z.enum(['rules', 'llm']).optional().describe('rules (default, offline) or llm');

export const rulesExtractorProvider = defineProvider({
  name: 'extract-rules',
  ports: ['entityExtractor'],
  description: 'Rule-based entity extraction on worker threads (compute.threads in the edition file)',
  settings: z.object({ ENGRAM_EXTRACTOR: extractorChoice }),
  enabled: (s) => (s.ENGRAM_EXTRACTOR ?? 'rules') === 'rules',
  create: () => rulesExtractorPlugin(),
});

export const llmExtractorProvider = defineProvider({
  name: 'extract-llm',
  ports: ['entityExtractor'],
  description: 'Entity extraction by an OpenAI-compatible chat model',
  settings: z.object({
    ENGRAM_EXTRACTOR: extractorChoice,
    ENGRAM_EXTRACTOR_URL: url('OpenAI-compatible chat base URL (default https://api.openai.com/v1)'),
    ENGRAM_EXTRACTOR_MODEL: text('Chat model for extraction (default gpt-4o-mini)'),
    ENGRAM_EXTRACTOR_API_KEY: text('API key of the chat server'),
    OPENAI_API_KEY: openAiKey,
  }),
  enabled: (s) => s.ENGRAM_EXTRACTOR === 'llm',
  create: (s) => ({
    name: 'extract-llm',
    setup: (ctx) =>
      ctx.provide(
        'entityExtractor',
        new LlmEntityExtractor({
          baseUrl: s.ENGRAM_EXTRACTOR_URL ?? 'https://api.openai.com/v1',
          model: s.ENGRAM_EXTRACTOR_MODEL ?? 'gpt-4o-mini',
          apiKey: s.ENGRAM_EXTRACTOR_API_KEY ?? s.OPENAI_API_KEY,
        }),
      ),
  }),
});

// ---- the chat model behind `infer` (facts from conversations)

export const llmProvider = defineProvider({
  name: 'llm-chat',
  ports: ['chatModel'],
  description: 'An OpenAI-compatible chat model for `infer`: facts from conversations, kept current',
  settings: z.object({
    ENGRAM_LLM_URL: url('OpenAI-compatible chat base URL for infer (e.g. https://api.openai.com/v1)'),
    ENGRAM_LLM_MODEL: text('Chat model for infer (default gpt-4o-mini)'),
    ENGRAM_LLM_API_KEY: text('API key of the chat server (default OPENAI_API_KEY)'),
    ENGRAM_LLM_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .optional()
      .describe('How long one model call may take before it is retried (default 30000)'),
    OPENAI_API_KEY: openAiKey,
  }),
  enabled: (s) => Boolean(s.ENGRAM_LLM_URL),
  create: (s) => ({
    name: 'llm-chat',
    setup: (ctx) =>
      ctx.provide(
        'chatModel',
        new OpenAIChatModel({
          baseUrl: s.ENGRAM_LLM_URL!,
          model: s.ENGRAM_LLM_MODEL ?? 'gpt-4o-mini',
          apiKey: s.ENGRAM_LLM_API_KEY ?? s.OPENAI_API_KEY,
          timeoutMs: s.ENGRAM_LLM_TIMEOUT_MS,
          purpose: 'the chat model (infer)',
        }),
      ),
  }),
});

// ---- single-tenant API keys and anonymous telemetry (the open-source edition's)

export const apiKeysProvider = defineProvider({
  name: 'auth-api-keys',
  ports: ['authenticator'],
  description: 'Single-tenant API keys: ENGRAM_API_KEYS, else one generated on first start',
  settings: z.object({
    ENGRAM_API_KEYS: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      )
      .describe('Comma-separated API keys; unset: one is generated on first start and printed once'),
  }),
  create: (s, ctx) => {
    const keys = keyHashes(path.join(ctx.dataDir, 'api-keys.json'), s.ENGRAM_API_KEYS);
    const plugin: ServerPlugin = {
      name: 'auth-api-keys',
      setup: (p) => p.provide('authenticator', new ApiKeyAuthenticator(keys.hashes)),
    };
    if (keys.generated) {
      plugin.startupNotice =
        `Your Engram API key (shown only now; only its hash is stored):\n\n    ${keys.generated}\n\n` +
        '  Send it as Authorization: Bearer <key> or X-API-Key.';
      plugin.generatedKey = keys.generated;
    }
    return plugin;
  },
});

export const posthogProvider = defineProvider({
  name: 'telemetry-posthog',
  ports: ['telemetry'],
  description: 'Anonymous usage telemetry (PostHog): on unless turned off',
  settings: z.object({
    ENGRAM_POSTHOG_HOST: url('Where anonymous telemetry goes'),
    ENGRAM_POSTHOG_KEY: text('PostHog project key of the anonymous telemetry'),
  }),
  enabled: (_s, ctx) => ctx.telemetry,
  create: (s, ctx) => ({
    name: 'telemetry-posthog',
    setup: (plugin) =>
      plugin.provide(
        'telemetry',
        new PostHogTelemetry({
          apiKey: s.ENGRAM_POSTHOG_KEY ?? 'phc_engram_oss_anonymous',
          host: s.ENGRAM_POSTHOG_HOST ?? 'https://us.i.posthog.com',
          installId: installId(ctx.dataDir),
          version: ctx.version,
        }),
      ),
  }),
});

/** A ranking model fitted on this deployment's exported logs (engram-train-reranker). */
export const rerankerFileProvider = defineProvider({
  name: 'reranker-file',
  ports: ['reranker'],
  description: 'Reorders search results with a ranking model fitted on exported logs (a JSON file)',
  settings: z.object({
    ENGRAM_RERANKER_MODEL: text('A ranking model file written by engram-train-reranker'),
  }),
  enabled: (s) => Boolean(s.ENGRAM_RERANKER_MODEL),
  create: (s) => ({
    name: 'reranker-file',
    setup: (ctx) => ctx.provide('reranker', new ModelFileReranker(s.ENGRAM_RERANKER_MODEL!)),
  }),
});

/** Backends by URL first (they take their ports), then the embedded file, embedders and extractors. */
export const storageAndModelProviders: Provider[] = [
  mongoProvider,
  neo4jProvider,
  qdrantProvider,
  redisProvider,
  sqliteProvider,
  staticEmbedderProvider,
  useLiteEmbedderProvider,
  transformersEmbedderProvider,
  openAiEmbedderProvider,
  rulesExtractorProvider,
  llmExtractorProvider,
  llmProvider,
  rerankerFileProvider,
] as Provider[];

/** mem0's API paths and shapes on Engram: an existing mem0 integration changes only its host. */
export const mem0CompatProvider = defineProvider({
  name: 'compat-mem0',
  ports: [],
  description: "mem0's API (paths, Token auth, shapes) beside Engram's: on unless ENGRAM_MEM0_COMPAT=off",
  settings: z.object({
    ENGRAM_MEM0_COMPAT: z.enum(['on', 'off']).optional().describe("mem0's API routes: on (default) or off"),
  }),
  enabled: (s) => s.ENGRAM_MEM0_COMPAT !== 'off',
  create: () => mem0CompatPlugin(),
});

/** MCP for agents at /mcp (Streamable HTTP), behind the API key like /v1. */
export const mcpHttpProvider = defineProvider({
  name: 'mcp-http',
  ports: [],
  description: 'Model Context Protocol at /mcp (Streamable HTTP, API key auth): on unless ENGRAM_MCP=off',
  settings: z.object({
    ENGRAM_MCP: z
      .enum(['on', 'off'])
      .optional()
      .describe('The /mcp endpoint for agents: on (default) or off'),
  }),
  enabled: (s) => s.ENGRAM_MCP !== 'off',
  create: () => mcpHttpPlugin(),
});

/** The open-source server: the parts above, single-tenant keys, anonymous telemetry, mem0's API and MCP. */
export const openSourceManifest: Provider[] = [
  ...storageAndModelProviders,
  apiKeysProvider,
  posthogProvider,
  mem0CompatProvider,
  mcpHttpProvider,
] as Provider[];
