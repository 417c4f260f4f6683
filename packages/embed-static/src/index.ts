import type { EngramPlugin } from '@engram/core';
import { DEFAULT_TABLE, StaticEmbedder } from './static-embedder';

export { DEFAULT_TABLE, MAX_SPELLED_LETTERS, StaticEmbedder, tokenize } from './static-embedder';
export { readTable, type TableHeader, type WordTable, writeTable } from './table';

/**
 * Provides the static word-table embedder. No cache wrapper: looking words up is cheaper
 * than hashing the text for a cache key.
 */
export function staticEmbedderPlugin(tableFile: string = DEFAULT_TABLE): EngramPlugin {
  return {
    name: 'embed-static',
    setup(ctx) {
      ctx.provide('embedder', new StaticEmbedder(tableFile));
    },
  };
}
