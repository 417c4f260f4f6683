import { WorkerEntityExtractor } from './ai/worker-extractor';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import type { EngramPlugin } from './plugin';

export interface CoreDefaultsOptions {
  /** SHA-256 hex hashes of the accepted API keys (never the keys themselves). */
  apiKeyHashes: string[];
}

/** Rule-based entity extraction on worker threads, sized by `compute.threads` in the edition file. */
export function rulesExtractorPlugin(): EngramPlugin {
  let extractor: WorkerEntityExtractor | null = null;
  return {
    name: 'extract-rules',
    setup(ctx) {
      extractor = new WorkerEntityExtractor(
        { threads: ctx.config.compute.threads, callTimeoutMs: ctx.config.compute.extraction_budget_ms },
        ctx.logger,
      );
      ctx.provide('entityExtractor', extractor);
    },
    shutdown: async () => extractor?.close(),
  };
}

/** Core's offline defaults in one plugin: rule-based entity extraction and single-tenant API keys. */
export function coreDefaultsPlugin(options: CoreDefaultsOptions): EngramPlugin {
  const extraction = rulesExtractorPlugin();
  return {
    name: 'core-defaults',
    async setup(ctx) {
      await extraction.setup(ctx);
      ctx.provide('authenticator', new ApiKeyAuthenticator(options.apiKeyHashes));
    },
    shutdown: () => extraction.shutdown?.() ?? Promise.resolve(),
  };
}
