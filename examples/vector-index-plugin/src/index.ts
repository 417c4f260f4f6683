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
 * An exact vector index held in memory: a scan of every vector of the tenant, filtered by the
 * fields it was given. A reference for writing a VectorIndex, and handy for tests and small
 * ephemeral deployments; it keeps nothing across restarts.
 */
export class InMemoryVectorIndex implements VectorIndex {
  private model: EmbeddingModelInfo | null = null;
  /** tenant → memory id → entry */
  private readonly tenants = new Map<string, Map<string, { memory: IndexedMemory; vector: Float32Array }>>();

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
      tenant.set(memory.id, { memory, vector: Float32Array.from(vector) });
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
      hits.push({ id: memory.id, score: dot }); // vectors are L2-normalised: the dot is the cosine
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  async has(tenantId: string, id: string): Promise<boolean> {
    return this.tenants.get(tenantId)?.has(id) ?? false;
  }
}

/**
 * The provider: registered under the vectorIndex port with its own slice of the settings
 * schema. ENGRAM_VECTORS=memory chooses it; composed before the embedded store, it takes the
 * vectorIndex port and SQLite keeps the others.
 */
export const inMemoryVectorProvider = defineProvider({
  name: 'vectors-in-memory',
  ports: ['vectorIndex'],
  description: 'Vectors in process memory (exact scan; nothing kept across restarts)',
  settings: z.object({
    ENGRAM_VECTORS: z.enum(['memory']).optional().describe('memory: keep vectors in process memory'),
  }),
  enabled: (settings) => settings.ENGRAM_VECTORS === 'memory',
  create: () => ({
    name: 'vectors-in-memory',
    setup: (ctx) => ctx.provide('vectorIndex', new InMemoryVectorIndex()),
  }),
});
