import type { Server } from 'node:http';
import path from 'node:path';
import {
  CachedEmbedder,
  coreDefaultsPlugin,
  createEngram,
  createHttpApp,
  type Engram,
  type EngramPlugin,
  LlmEntityExtractor,
  loadConfig,
  OpenAIEmbedder,
  PostHogTelemetry,
  telemetryEnabled,
} from '@engram/core';
import { staticEmbedderPlugin } from '@engram/embed-static';
import { transformersEmbedderPlugin } from '@engram/embed-transformers';
import { MODEL_ID as USE_LITE_MODEL_ID, useLiteEmbedderPlugin } from '@engram/embed-use';
import { bullMqPlugin } from '@engram/queue-bullmq';
import { mongoStorePlugin } from '@engram/store-mongo';
import { neo4jGraphPlugin } from '@engram/store-neo4j';
import { qdrantVectorPlugin } from '@engram/store-qdrant';
import { indexedEmbeddingModel, sqliteStorePlugin } from '@engram/store-sqlite';
import pino, { type Logger } from 'pino';
import { installId, resolveApiKeys } from './data-dir';
import { type EmbedderKind, readSettings, type ServerSettings } from './settings';

export const VERSION = '0.1.0';

export interface OssServer {
  app: ReturnType<typeof createHttpApp>;
  engram: Engram;
  settings: ServerSettings;
  /** The API key generated on first start (null when keys come from ENGRAM_API_KEYS or already existed). */
  generatedKey: string | null;
  listen(port?: number): Promise<Server>;
  close(): Promise<void>;
}

/**
 * ENGRAM_EMBEDDER when set; otherwise the static table for a new data file, and USE-lite for
 * a file already indexed with it, so upgrading never strands existing vectors.
 */
export function chooseEmbedder(settings: ServerSettings): EmbedderKind {
  if (settings.embedder) return settings.embedder;
  return indexedEmbeddingModel(dataFile(settings)) === USE_LITE_MODEL_ID ? 'use-lite' : 'static';
}

const dataFile = (settings: ServerSettings) => path.join(settings.dataDir, 'engram.db');

function embedderPlugin(settings: ServerSettings): EngramPlugin {
  const embedder = chooseEmbedder(settings);
  if (embedder === 'use-lite') return useLiteEmbedderPlugin({ threads: settings.embedderThreads });
  if (embedder === 'static') return staticEmbedderPlugin();
  if (embedder === 'transformers')
    return transformersEmbedderPlugin({ model: settings.embedderModel, ...settings.transformers });
  return {
    name: 'embed-openai',
    setup: (ctx) =>
      ctx.provide(
        'embedder',
        new CachedEmbedder(
          new OpenAIEmbedder({
            baseUrl: settings.embedderUrl,
            model: settings.embedderModel,
            dimension: settings.embedderDimension,
            apiKey: settings.embedderApiKey,
          }),
        ),
      ),
  };
}

/**
 * Production backends chosen by URL, in any mix: each takes the ports it covers (they are
 * composed before SQLite, which fills only what is left); what none covers stays in the data file.
 */
export function backendPlugins(settings: ServerSettings): EngramPlugin[] {
  return [
    ...(settings.mongoUrl ? [mongoStorePlugin({ url: settings.mongoUrl })] : []),
    ...(settings.neo4j ? [neo4jGraphPlugin(settings.neo4j)] : []),
    ...(settings.qdrant ? [qdrantVectorPlugin(settings.qdrant)] : []),
    ...(settings.redisUrl ? [bullMqPlugin({ url: settings.redisUrl })] : []),
  ];
}

/** Rule-based extraction comes with core's defaults; an LLM extractor replaces it when asked for. */
function extractorPlugins(settings: ServerSettings): EngramPlugin[] {
  const chosen = settings.extractor;
  if (chosen.kind === 'rules') return [];
  return [
    {
      name: 'extract-llm',
      setup: (ctx) => ctx.provide('entityExtractor', new LlmEntityExtractor(chosen), { replaces: true }),
    },
  ];
}

function telemetryPlugin(settings: ServerSettings, env: NodeJS.ProcessEnv): EngramPlugin {
  return {
    name: 'telemetry-posthog',
    setup(ctx) {
      if (!telemetryEnabled(env, ctx.config.telemetry.enabled)) return;
      ctx.provide(
        'telemetry',
        new PostHogTelemetry({
          apiKey: settings.posthogKey,
          host: settings.posthogHost,
          installId: installId(settings.dataDir),
          version: VERSION,
        }),
      );
    },
  };
}

/**
 * Composes the open-source server: production backends where settings name them, embedded
 * SQLite for the rest, offline embedder, anonymous telemetry. `extraPlugins` are composed
 * after these: a port one of them fills again must say it replaces the first provider.
 */
export async function createOssServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger; extraPlugins?: EngramPlugin[] } = {},
): Promise<OssServer> {
  const settings = readSettings(env);
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL ?? 'info' });
  const config = loadConfig(settings.configFile, env);
  const keys = resolveApiKeys(settings.dataDir, settings.apiKeys);
  const engram = await createEngram({
    config,
    logger,
    allowPrivateWebhooks: settings.allowPrivateWebhooks,
    jobLeaseMs: settings.jobLeaseMs,
    plugins: [
      ...backendPlugins(settings),
      sqliteStorePlugin({ path: dataFile(settings) }),
      embedderPlugin(settings),
      coreDefaultsPlugin({ apiKeyHashes: keys.hashes }),
      ...extractorPlugins(settings),
      telemetryPlugin(settings, env),
      ...(options.extraPlugins ?? []),
    ],
  });
  const app = createHttpApp(engram, { version: VERSION });
  let server: Server | null = null;
  return {
    app,
    engram,
    settings,
    generatedKey: keys.generated,
    async listen(port = settings.port) {
      await engram.start();
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(port, settings.host, () => resolve(s));
      });
      engram.ports.telemetry.capture('server_started', {
        edition: config.edition,
        embedder: engram.ports.embedder.modelId,
      });
      return server;
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
      await engram.shutdown();
    },
  };
}
