import type { EngramPlugin } from '@engram/core';
import { type QdrantClient, type QdrantModule, QdrantVectorIndex } from './vector-index';

/** A REST client, loaded from the package's CommonJS build. */
export function qdrantClient(options: { url: string; apiKey?: string }): QdrantClient {
  const { QdrantClient: Client } = require('@qdrant/js-client-rest') as QdrantModule;
  // checkCompatibility off: it would ask the server for its version before the first call.
  return new Client({ url: options.url, apiKey: options.apiKey, checkCompatibility: false });
}

export interface QdrantOptions {
  /** http://host:6333 (QDRANT_URL in the servers). */
  url: string;
  apiKey?: string;
  /** Collection name (default `engram_memories`). */
  collection?: string;
}

export function openQdrantVectorIndex(options: QdrantOptions): QdrantVectorIndex {
  return new QdrantVectorIndex(qdrantClient(options), options.collection ?? 'engram_memories');
}

/** The VectorIndex on Qdrant. */
export function qdrantVectorPlugin(options: QdrantOptions): EngramPlugin {
  return {
    name: 'store-qdrant',
    setup: (ctx) => ctx.provide('vectorIndex', openQdrantVectorIndex(options)),
  };
}
