import { existsSync } from 'node:fs';
import path from 'node:path';

/** Every setting the OSS server reads from the environment, with its documented default. */
export interface ServerSettings {
  /** PORT: HTTP port (default 8080). */
  port: number;
  /** HOST: interface to bind (default 0.0.0.0). */
  host: string;
  /** ENGRAM_DATA_DIR: where the SQLite file, key hashes and install id live (default ./data). */
  dataDir: string;
  /** ENGRAM_EDITION: which config/<edition>.yaml to load (default opensource). */
  edition: string;
  /** ENGRAM_CONFIG: explicit path of the edition file (overrides ENGRAM_EDITION). */
  configFile: string;
  /** ENGRAM_API_KEYS: comma-separated keys; when unset, one key is generated on first start. */
  apiKeys: string[];
  /** ENGRAM_WEBHOOK_ALLOW_PRIVATE=1: allow webhook targets on private/loopback addresses. */
  allowPrivateWebhooks: boolean;
  /**
   * ENGRAM_EMBEDDER: static (offline, a word table distilled from USE-lite; the default for a
   * new data file), use-lite (offline, the model itself; kept for files indexed with it),
   * openai (any OpenAI-compatible server) or transformers (an ONNX model run locally).
   * Null when unset: the server chooses by the data file (see `chooseEmbedder`).
   */
  embedder: EmbedderKind | null;
  /** ENGRAM_EMBEDDER_URL, _DIMENSION, _API_KEY: for ENGRAM_EMBEDDER=openai. */
  embedderUrl: string;
  /** ENGRAM_EMBEDDER_MODEL: the openai model name, or the transformers hub id or model folder. */
  embedderModel: string;
  embedderDimension: number;
  embedderApiKey: string | undefined;
  /** ENGRAM_EMBEDDER_THREADS: worker threads for use-lite (default: cores, at most 4). */
  embedderThreads: number | undefined;
  /**
   * For ENGRAM_EMBEDDER=transformers: ENGRAM_EMBEDDER_POOLING (mean, or cls for BGE),
   * ENGRAM_EMBEDDER_CACHE_DIR, and ENGRAM_EMBEDDER_ALLOW_DOWNLOAD=1 to fetch a model missing
   * from the cache (off by default: the server never touches the network on its own).
   */
  transformers: { pooling: 'mean' | 'cls'; cacheDir: string | undefined; allowDownload: boolean };
  /** ENGRAM_EXTRACTOR: rules (default, offline) or llm (OpenAI-compatible chat model); ENGRAM_EXTRACTOR_URL, _MODEL, _API_KEY. */
  extractor: { kind: 'rules' } | { kind: 'llm'; baseUrl: string; model: string; apiKey: string | undefined };
  /** REDIS_URL: run background work on Redis with BullMQ instead of in process. */
  redisUrl: string | undefined;
  /** MONGODB_URL: memories, history, logs, batches, webhooks and the text index on MongoDB. */
  mongoUrl: string | undefined;
  /** NEO4J_URL (+ NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE): the graph on Neo4j. */
  neo4j: { url: string; user?: string; password?: string; database?: string } | undefined;
  /** QDRANT_URL (+ QDRANT_API_KEY, QDRANT_COLLECTION): vectors on Qdrant. */
  qdrant: { url: string; apiKey?: string; collection?: string } | undefined;
  /** ENGRAM_JOB_LEASE_MS: how soon background work of a crashed process is resumed (default 10000). */
  jobLeaseMs: number;
  /** ENGRAM_POSTHOG_HOST and ENGRAM_POSTHOG_KEY: where anonymous telemetry goes. */
  posthogHost: string;
  posthogKey: string;
}

const EMBEDDERS = ['use-lite', 'static', 'openai', 'transformers'] as const;
export type EmbedderKind = (typeof EMBEDDERS)[number];

const DEFAULT_MODEL: Partial<Record<EmbedderKind, string>> = {
  openai: 'text-embedding-3-small',
  transformers: 'Xenova/all-MiniLM-L6-v2',
};

function findConfigDir(): string {
  // Works from src/ (tests), dist/ (built) and the Docker image layout alike.
  for (const up of ['../../../config', '../../config', '../config', './config']) {
    const dir = path.resolve(__dirname, up);
    if (existsSync(path.join(dir, 'opensource.yaml'))) return dir;
  }
  return path.resolve(process.cwd(), 'config');
}

export function readSettings(env: NodeJS.ProcessEnv): ServerSettings {
  const edition = env.ENGRAM_EDITION || 'opensource';
  const embedder = (env.ENGRAM_EMBEDDER || null) as EmbedderKind | null;
  if (embedder !== null && !EMBEDDERS.includes(embedder)) {
    throw new Error(`ENGRAM_EMBEDDER must be one of ${EMBEDDERS.join(', ')}, not ${embedder}`);
  }
  const pooling = env.ENGRAM_EMBEDDER_POOLING || 'mean';
  if (pooling !== 'mean' && pooling !== 'cls')
    throw new Error(`ENGRAM_EMBEDDER_POOLING must be mean or cls, not ${pooling}`);
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  if (!['rules', 'llm', undefined, ''].includes(env.ENGRAM_EXTRACTOR)) {
    throw new Error(`ENGRAM_EXTRACTOR must be rules or llm, not ${env.ENGRAM_EXTRACTOR}`);
  }
  const lease = Number(env.ENGRAM_JOB_LEASE_MS ?? 10_000);
  if (!Number.isInteger(lease) || lease < 500)
    throw new Error(`ENGRAM_JOB_LEASE_MS must be an integer ≥ 500, not ${env.ENGRAM_JOB_LEASE_MS}`);
  const dimension = Number(env.ENGRAM_EMBEDDER_DIMENSION ?? 1536);
  if (embedder === 'openai' && (!Number.isInteger(dimension) || dimension < 1)) {
    throw new Error(
      `ENGRAM_EMBEDDER_DIMENSION must be a positive integer, not ${env.ENGRAM_EMBEDDER_DIMENSION}`,
    );
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.ENGRAM_DATA_DIR || './data'),
    edition,
    configFile: env.ENGRAM_CONFIG
      ? path.resolve(env.ENGRAM_CONFIG)
      : path.join(findConfigDir(), `${edition}.yaml`),
    apiKeys: (env.ENGRAM_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    allowPrivateWebhooks: /^(1|true|yes)$/i.test(env.ENGRAM_WEBHOOK_ALLOW_PRIVATE ?? ''),
    embedder,
    embedderUrl: env.ENGRAM_EMBEDDER_URL || 'https://api.openai.com/v1',
    embedderModel: env.ENGRAM_EMBEDDER_MODEL || (embedder && DEFAULT_MODEL[embedder]) || '',
    embedderDimension: dimension,
    embedderApiKey: env.ENGRAM_EMBEDDER_API_KEY || env.OPENAI_API_KEY,
    embedderThreads: env.ENGRAM_EMBEDDER_THREADS ? Number(env.ENGRAM_EMBEDDER_THREADS) : undefined,
    transformers: {
      pooling,
      cacheDir: env.ENGRAM_EMBEDDER_CACHE_DIR || undefined,
      allowDownload: /^(1|true|yes)$/i.test(env.ENGRAM_EMBEDDER_ALLOW_DOWNLOAD ?? ''),
    },
    extractor:
      (env.ENGRAM_EXTRACTOR || 'rules') === 'rules'
        ? { kind: 'rules' }
        : {
            kind: 'llm',
            baseUrl: env.ENGRAM_EXTRACTOR_URL || 'https://api.openai.com/v1',
            model: env.ENGRAM_EXTRACTOR_MODEL || 'gpt-4o-mini',
            apiKey: env.ENGRAM_EXTRACTOR_API_KEY || env.OPENAI_API_KEY,
          },
    redisUrl: env.REDIS_URL || undefined,
    mongoUrl: env.MONGODB_URL || undefined,
    neo4j: env.NEO4J_URL
      ? {
          url: env.NEO4J_URL,
          user: env.NEO4J_USER || undefined,
          password: env.NEO4J_PASSWORD || undefined,
          database: env.NEO4J_DATABASE || undefined,
        }
      : undefined,
    qdrant: env.QDRANT_URL
      ? {
          url: env.QDRANT_URL,
          apiKey: env.QDRANT_API_KEY || undefined,
          collection: env.QDRANT_COLLECTION || undefined,
        }
      : undefined,
    jobLeaseMs: lease,
    posthogHost: env.ENGRAM_POSTHOG_HOST || 'https://us.i.posthog.com',
    posthogKey: env.ENGRAM_POSTHOG_KEY || 'phc_engram_oss_anonymous',
  };
}
