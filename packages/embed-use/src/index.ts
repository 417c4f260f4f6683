import type { EngramPlugin } from '@engram/core';
import { CachedEmbedder } from '@engram/core';
import { UseLiteEmbedder, type UseLiteOptions } from './use-lite-embedder';

export { DIMENSION, embedWith, loadModel, MODEL_ID } from './model';
export { UseLiteEmbedder, type UseLiteOptions } from './use-lite-embedder';

/** Provides the USE-lite embedder, wrapped in core's content-hash cache; stops its workers on shutdown. */
export function useLiteEmbedderPlugin(options: UseLiteOptions = {}): EngramPlugin {
  const embedder = new CachedEmbedder(new UseLiteEmbedder(options));
  return {
    name: 'embed-use',
    setup(ctx) {
      ctx.provide('embedder', embedder);
    },
    shutdown: () => embedder.close(),
  };
}
