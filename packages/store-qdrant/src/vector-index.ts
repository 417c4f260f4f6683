import { createHash } from 'node:crypto';
import {
  type EmbeddingModelInfo,
  EngramError,
  type IndexedMemory,
  type MemoryFilter,
  type ScoredId,
  type VectorIndex,
} from '@engram/core';
import { qdrantFilter } from './qdrant-filter';

import type { QdrantClient } from './qdrant-module';

export type { QdrantClient, QdrantModule } from './qdrant-module';

/** Qdrant point ids are UUIDs or integers: a name-based UUID of (tenant, memory). */
export function pointId(tenantId: string, memoryId: string): string {
  const hex = createHash('sha1').update(`${tenantId}\u001f${memoryId}`).digest('hex');
  // Version 5 and RFC 4122 variant bits, as a name-based UUID has.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const KEYWORD_FIELDS = ['user_id', 'namespace', 'agent_id', 'session_id', 'type', 'tags'] as const;

/**
 * The VectorIndex on Qdrant: one collection (cosine) whose payload carries the memory's
 * filterable fields, so every filter runs inside Qdrant's HNSW search. The collection records
 * the embedding model in its metadata; opening it with another model or dimension refuses.
 */
export class QdrantVectorIndex implements VectorIndex {
  constructor(
    private readonly client: QdrantClient,
    readonly collection: string,
  ) {}

  async init(model: EmbeddingModelInfo): Promise<void> {
    const { exists } = await this.client.collectionExists(this.collection);
    if (exists) return this.checkModel(model);
    await this.client.createCollection(this.collection, {
      vectors: { size: model.dimension, distance: 'Cosine' },
      metadata: { engram_model: model.id, engram_dimension: model.dimension },
    });
    // The tenant index lets Qdrant lay out and search each tenant's points together.
    await this.client.createPayloadIndex(this.collection, {
      field_name: 'tenant_id',
      field_schema: { type: 'keyword', is_tenant: true },
      wait: true,
    });
    for (const field of KEYWORD_FIELDS) {
      await this.client.createPayloadIndex(this.collection, {
        field_name: field,
        field_schema: 'keyword',
        wait: true,
      });
    }
    await this.client.createPayloadIndex(this.collection, {
      field_name: 'created_at',
      field_schema: 'datetime',
      wait: true,
    });
  }

  async upsert(items: { memory: IndexedMemory; vector: Float32Array }[]): Promise<void> {
    if (items.length === 0) return;
    await this.client.upsert(this.collection, {
      wait: true,
      points: items.map(({ memory, vector }) => ({
        id: pointId(memory.tenant_id, memory.id),
        vector: Array.from(vector),
        payload: {
          memory_id: memory.id,
          tenant_id: memory.tenant_id,
          user_id: memory.user_id,
          namespace: memory.namespace,
          agent_id: memory.agent_id,
          session_id: memory.session_id,
          type: memory.type,
          tags: memory.tags,
          metadata: memory.metadata,
          created_at: memory.created_at,
        },
      })),
    });
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.client.delete(this.collection, { wait: true, points: ids.map((id) => pointId(tenantId, id)) });
  }

  async search(tenantId: string, vector: Float32Array, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const { points } = await this.client.query(this.collection, {
      query: Array.from(vector),
      filter: qdrantFilter(tenantId, filter),
      limit: k,
      with_payload: ['memory_id'],
    });
    return points.map((p) => ({ id: String(p.payload?.memory_id), score: p.score }));
  }

  async has(tenantId: string, id: string): Promise<boolean> {
    const found = await this.client.retrieve(this.collection, {
      ids: [pointId(tenantId, id)],
      with_payload: false,
      with_vector: false,
    });
    return found.length > 0;
  }

  private async checkModel(model: EmbeddingModelInfo): Promise<void> {
    const info = await this.client.getCollection(this.collection);
    const vectors = info.config.params.vectors as { size?: number } | undefined;
    const metadata = (info.config as { metadata?: Record<string, unknown> }).metadata ?? {};
    const storedModel = metadata.engram_model as string | undefined;
    const storedDimension = vectors?.size;
    if (storedDimension !== model.dimension || (storedModel !== undefined && storedModel !== model.id)) {
      throw new EngramError(
        'model_mismatch',
        `Qdrant collection ${this.collection} holds vectors of ${storedModel ?? 'another model'} (${storedDimension} dimensions), ` +
          `not ${model.id} (${model.dimension}); configure the original model or another collection`,
        {
          stored_model: storedModel,
          stored_dimension: storedDimension,
          model: model.id,
          dimension: model.dimension,
        },
      );
    }
  }
}
