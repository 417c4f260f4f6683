import { WorkerEntityExtractor } from './ai/worker-extractor';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import type { EngramPlugin } from './plugin';

export interface CoreDefaultsOptions {
  /** SHA-256 hex hashes of the accepted API keys (never the keys themselves). */
  apiKeyHashes: string[];
}

/**
 * Core's offline defaults: rule-based entity extraction (on worker threads, sized by
 * `compute.threads`) and single-tenant API keys.
 */
export function coreDefaultsPlugin(options: CoreDefaultsOptions): EngramPlugin {
  let extractor: WorkerEntityExtractor | null = null;
  return {
    name: 'core-defaults',
    setup(ctx) {
      extractor = new WorkerEntityExtractor(
        { threads: ctx.config.compute.threads, callTimeoutMs: ctx.config.compute.extraction_budget_ms },
        ctx.logger,
      );
      ctx.provide('entityExtractor', extractor);
      ctx.provide('authenticator', new ApiKeyAuthenticator(options.apiKeyHashes));
    },
    async shutdown() {
      await extractor?.close();
    },
  };
}
