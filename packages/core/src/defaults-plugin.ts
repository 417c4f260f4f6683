import { CompromiseEntityExtractor } from './ai/compromise-extractor';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import type { EngramPlugin } from './plugin';

export interface CoreDefaultsOptions {
  /** SHA-256 hex hashes of the accepted API keys (never the keys themselves). */
  apiKeyHashes: string[];
}

/** Core's offline defaults: rule-based entity extraction and single-tenant API keys. */
export function coreDefaultsPlugin(options: CoreDefaultsOptions): EngramPlugin {
  return {
    name: 'core-defaults',
    setup(ctx) {
      ctx.provide('entityExtractor', new CompromiseEntityExtractor());
      ctx.provide('authenticator', new ApiKeyAuthenticator(options.apiKeyHashes));
    },
  };
}
