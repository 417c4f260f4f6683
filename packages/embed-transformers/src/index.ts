import { CachedEmbedder, type EngramPlugin } from '@engram/core';
import { TransformersEmbedder, type TransformersOptions } from './transformers-embedder';

export { TransformersEmbedder, type TransformersOptions } from './transformers-embedder';

/** Provides a transformers.js embedder, loaded at start so its dimension is known before indexing. */
export function transformersEmbedderPlugin(options: TransformersOptions): EngramPlugin {
  let embedder: CachedEmbedder | null = null;
  return {
    name: 'embed-transformers',
    async setup(ctx) {
      embedder = new CachedEmbedder(await TransformersEmbedder.load(options));
      ctx.provide('embedder', embedder);
    },
    shutdown: async () => {
      await embedder?.close();
    },
  };
}
