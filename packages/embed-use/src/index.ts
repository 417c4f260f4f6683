import type { EngramPlugin } from '@engram/core';
import { CachedEmbedder } from '@engram/core';
import { UseLiteEmbedder, type UseLiteOptions } from './use-lite-embedder';

export { DIMENSION, embedWith, loadModel, MODEL_ID } from './model';
export { UseLiteEmbedder, type UseLiteOptions } from './use-lite-embedder';

/** Provides the USE-lite embedder, wrapped in core's content-hash cache. */
export function useLiteEmbedderPlugin(options: UseLiteOptions = {}): EngramPlugin {
  return {
    name: 'embed-use',
    setup(ctx) {
      ctx.provide('embedder', new CachedEmbedder(new UseLiteEmbedder(options)));
    },
  };
}
