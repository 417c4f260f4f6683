import pino, { type Logger } from 'pino';
import type { EngramConfig } from './config/config';
import type { Memory } from './domain/types';
import { EngramError } from './errors';
import { HookBus } from './hooks';
import { DurableJobQueue } from './jobs/durable-job-queue';
import { InMemoryIdempotencyStore } from './memory/memory-stores';
import type { EngramPlugin, HttpExtensions, PluginContext } from './plugin';
import {
  NoopRateLimiter,
  NoopTelemetry,
  NoopUsageMeter,
  OpenEntitlements,
  type Ports,
  ScopeAuthorizer,
} from './ports';
import type { Services } from './services';
import { BATCH_PROCESS_JOB, BatchService, QueueBatchProcessor } from './services/batch.service';
import { ConversationService } from './services/conversation.service';
import { GraphService } from './services/graph.service';
import { INDEX_SYNC_JOB, Indexer } from './services/indexer';
import { LogService } from './services/log.service';
import { MemoryService } from './services/memory.service';
import { SearchService } from './services/search.service';
import { WebhookService } from './webhooks/webhook.service';

export interface EngramOptions {
  config: EngramConfig;
  plugins: EngramPlugin[];
  logger?: Logger;
  /** Allow webhook targets on private and loopback addresses (never link-local or metadata). */
  allowPrivateWebhooks?: boolean;
  /**
   * How long a claimed job stays taken without a heartbeat: how soon work of a dead process
   * resumes (default 10 s; the heartbeat renews it every third of that).
   */
  jobLeaseMs?: number;
}

export interface Engram {
  readonly config: EngramConfig;
  readonly ports: Ports;
  readonly services: Services;
  readonly hooks: HookBus;
  readonly http: HttpExtensions;
  readonly logger: Logger;
  /** Starts background work (job queue). */
  start(): Promise<void>;
  /** Stops taking work, finishes running jobs, flushes logs, then shuts plugins down in reverse. */
  shutdown(): Promise<void>;
}

/** Ports that must come from a plugin: there is no sensible default for storage or models. */
const REQUIRED: (keyof Ports)[] = [
  'memoryStore',
  'vectorIndex',
  'textIndex',
  'graphStore',
  'logStore',
  'batchStore',
  'webhookStore',
  'embedder',
  'entityExtractor',
];

/** Wires Engram from plugins. This is the only place where parts are connected. */
export async function createEngram(options: EngramOptions): Promise<Engram> {
  const started: EngramPlugin[] = [];
  try {
    return await compose(options, started);
  } catch (err) {
    // Release what the plugins set up so far (open files, workers) before reporting the failure.
    for (const plugin of started.reverse()) await plugin.shutdown?.().catch(() => undefined);
    throw err;
  }
}

async function compose(options: EngramOptions, started: EngramPlugin[]): Promise<Engram> {
  const { config, plugins } = options;
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const hooks = new HookBus();
  const http: HttpExtensions = { middleware: [], routes: [], metrics: [], pages: [] };
  const provided: Partial<Ports> = {};
  /** Which plugin fills each port, for the refusal of a second provider and the start-up log. */
  const providerOf: Partial<Record<keyof Ports, string>> = {};
  const ready: ((services: Services, ports: Ports) => Promise<void> | void)[] = [];

  for (const plugin of plugins) {
    const ctx: PluginContext = {
      config,
      logger: logger.child({ plugin: plugin.name }),
      provide: (port, impl, provideOptions) => {
        const first = providerOf[port];
        if (first && !provideOptions?.replaces) {
          throw new EngramError(
            'config_invalid',
            `port ${port} is provided by both ${first} and ${plugin.name}; compose only one, ` +
              `or have ${plugin.name} provide it with { replaces: true }`,
          );
        }
        provided[port] = impl;
        providerOf[port] = first ? `${plugin.name} (replacing ${first})` : plugin.name;
      },
      get: (port) => provided[port],
      hooks,
      http,
      onReady: (fn) => ready.push(fn),
    };
    started.push(plugin);
    await plugin.setup(ctx);
  }

  const missing = REQUIRED.filter((port) => !provided[port]);
  if (missing.length) {
    throw new EngramError(
      'config_invalid',
      `No plugin provides: ${missing.join(', ')}. Compose a store plugin and an embedder.`,
    );
  }
  if (!provided.jobQueue) {
    if (!provided.jobStore)
      throw new EngramError('config_invalid', 'No plugin provides jobQueue or jobStore.');
    provided.jobQueue = new DurableJobQueue(provided.jobStore, logger.child({ component: 'jobs' }), {
      pollMs: 200,
      leaseMs: options.jobLeaseMs ?? 10_000,
      concurrency: 4,
    });
  }
  const ports = {
    reranker: null,
    chatModel: null,
    authorizer: new ScopeAuthorizer(),
    rateLimiter: new NoopRateLimiter(),
    usageMeter: new NoopUsageMeter(),
    entitlements: new OpenEntitlements(),
    telemetry: new NoopTelemetry(),
    batchProcessor: new QueueBatchProcessor(provided.jobQueue, config.batch_processing.max_batch_size),
    idempotencyStore: new InMemoryIdempotencyStore(),
    ...provided,
  } as Ports;
  if (!ports.authenticator) throw new EngramError('config_invalid', 'No plugin provides an authenticator.');

  await ports.vectorIndex.init({ id: ports.embedder.modelId, dimension: ports.embedder.dimension });

  const indexer = new Indexer(ports, logger.child({ component: 'indexer' }));
  const memories = new MemoryService(ports, indexer, hooks, config, logger.child({ component: 'memories' }));
  const logs = new LogService(ports.logStore, config, logger.child({ component: 'logs' }));
  const webhooks = new WebhookService(
    ports.webhookStore,
    ports.jobQueue,
    config,
    { allowPrivate: options.allowPrivateWebhooks ?? false },
    logger.child({ component: 'webhooks' }),
  );
  const services: Services = {
    memories,
    conversations: new ConversationService(ports, memories, logger.child({ component: 'conversations' })),
    search: new SearchService(ports, logs, hooks, config),
    graph: new GraphService(ports.graphStore, ports.memoryStore),
    logs,
    batches: new BatchService(
      ports,
      memories,
      webhooks,
      hooks,
      config,
      logger.child({ component: 'batches' }),
    ),
    webhooks,
    indexer,
  };

  ports.jobQueue.register(BATCH_PROCESS_JOB, async (payload, job) => {
    await services.batches.process(job.tenantId, (payload as { batch_id: string }).batch_id, job.signal);
  });
  ports.jobQueue.register(
    INDEX_SYNC_JOB,
    (payload, job) => indexer.sync(job.tenantId, (payload as { id: string }).id),
    {
      maxAttempts: 20,
    },
  );

  // Webhook events follow the memory lifecycle through the same hooks plugins use.
  const view = (m: Memory) => ({ id: m.id, user_id: m.user_id, namespace: m.namespace, version: m.version });
  // Event keys derive from the memory and its version: an event emitted again for the same
  // change (a batch resumed after a crash) reuses its delivery ids, so it is delivered once.
  hooks.on('afterAdd', (m) =>
    webhooks.emit(m.tenant_id, 'memory.created', { ...view(m), content: m.content }, `${m.id}_created`),
  );
  hooks.on('afterUpdate', (m) =>
    webhooks.emit(m.tenant_id, 'memory.updated', { ...view(m), content: m.content }, `${m.id}_v${m.version}`),
  );
  hooks.on('afterDelete', (m) => webhooks.emit(m.tenant_id, 'memory.deleted', view(m)));
  hooks.on('afterForget', (e) =>
    webhooks.emit(e.tenantId, 'memory.forgotten', { user_id: e.userId, deleted: e.deleted }),
  );

  for (const fn of ready) await fn(services, ports);
  logger.info({ providers: providerOf }, 'ports filled');

  let stopped = false;
  let recovery: Promise<void> = Promise.resolve();
  return {
    config,
    ports,
    services,
    hooks,
    http,
    logger,
    async start() {
      await ports.jobQueue.start();
      // In the background: the server answers while the last writes before a crash are checked.
      recovery = memories
        .recoverRecent()
        .then(() => undefined)
        .catch((err: unknown) => logger.error({ err }, 'recovery of the last writes failed'));
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await recovery;
      await ports.jobQueue.stop();
      await logs.flush();
      await ports.telemetry.shutdown().catch(() => undefined);
      for (const plugin of [...plugins].reverse()) {
        await plugin
          .shutdown?.()
          .catch((err: unknown) => logger.error({ err, plugin: plugin.name }, 'plugin shutdown failed'));
      }
    },
  };
}
