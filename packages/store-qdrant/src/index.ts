export { openQdrantVectorIndex, type QdrantOptions, qdrantClient, qdrantVectorPlugin } from './plugin';
export { qdrantFilter } from './qdrant-filter';
export { pointId, QdrantVectorIndex } from './vector-index';
