import {
  defineProvider,
  type EmbeddingModelInfo,
  EngramError,
  type IndexedMemory,
  type Memory,
  type MemoryFilter,
  matchesFilter,
  type ScoredId,
  type VectorIndex,
} from '@engram/core';
import { z } from 'zod';

/**
 * A vector index held in memory with each component quantized to one byte (a quarter of
 * float32's memory; cosine within about 0.01 of the exact one for normalised vectors): a scan of
 * the tenant's vectors, filtered by the fields it was given. An example of writing a port
 * implementation with its own trade-off; it keeps nothing across restarts.
 */
export class Int8VectorIndex implements VectorIndex {
  private model: EmbeddingModelInfo | null = null;
  /** tenant → memory id → entry */
  private readonly tenants = new Map<string, Map<string, { memory: IndexedMemory; vector: Int8Array }>>();

  async init(model: EmbeddingModelInfo): Promise<void> {
    if (this.model && (this.model.id !== model.id || this.model.dimension !== model.dimension)) {
      throw new EngramError(
        'model_mismatch',
        `this index holds vectors of ${this.model.id} (${this.model.dimension}), not ${model.id} (${model.dimension})`,
      );
    }
    this.model = model;
  }

  async upsert(items: { memory: IndexedMemory; vector: Float32Array }[]): Promise<void> {
    for (const { memory, vector } of items) {
      const tenant = this.tenants.get(memory.tenant_id) ?? new Map();
      // Normalised components lie in [-1, 1]: 127 steps each way.
      tenant.set(memory.id, { memory, vector: Int8Array.from(vector, (x) => Math.round(x * 127)) });
      this.tenants.set(memory.tenant_id, tenant);
    }
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    const tenant = this.tenants.get(tenantId);
    for (const id of ids) tenant?.delete(id);
  }

  async search(tenantId: string, vector: Float32Array, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const hits: ScoredId[] = [];
    for (const { memory, vector: v } of this.tenants.get(tenantId)?.values() ?? []) {
      // matchesFilter reads only the filterable fields, which an IndexedMemory carries.
      if (!matchesFilter(memory as Memory, filter)) continue;
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d]! * vector[d]!;
      hits.push({ id: memory.id, score: dot / 127 }); // normalised vectors: the dot is the cosine
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  async has(tenantId: string, id: string): Promise<boolean> {
    return this.tenants.get(tenantId)?.has(id) ?? false;
  }
}

/**
 * The provider: registered under the vectorIndex port with its own slice of the settings
 * schema. ENGRAM_VECTORS=int8 chooses it; composed before the embedded store, it takes the
 * vectorIndex port and SQLite keeps the others.
 */
export const int8VectorProvider = defineProvider({
  name: 'vectors-int8',
  ports: ['vectorIndex'],
  description: 'Vectors in process memory, one byte per component (nothing kept across restarts)',
  settings: z.object({
    ENGRAM_VECTORS: z.enum(['int8']).optional().describe('int8: keep vectors in process memory, quantized'),
  }),
  enabled: (settings) => settings.ENGRAM_VECTORS === 'int8',
  create: () => ({
    name: 'vectors-int8',
    setup: (ctx) => ctx.provide('vectorIndex', new Int8VectorIndex()),
  }),
});
