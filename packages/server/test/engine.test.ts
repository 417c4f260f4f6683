import { inMemoryStorePlugin } from '@engram/core';
import { describeEngineContract } from '@engram/core/testing';
import { staticEmbedderPlugin } from '@engram/embed-static';

// The whole engine (adds, search, graph, batches, webhooks, logs) on core's in-memory
// reference stores, with the default embedder: the same contract the SQLite and production
// compositions pass.
describeEngineContract('in-memory reference stores + static embedder', {
  plugins: () => [inMemoryStorePlugin(), staticEmbedderPlugin()],
});
