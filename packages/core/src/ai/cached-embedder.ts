import { createHash } from 'node:crypto';
import type { Embedder } from '../ports/ai';

/**
 * Wraps an embedder with an LRU cache keyed by content hash: repeated content (re-indexing,
 * identical memories, repeated queries) is embedded once.
 */
export class CachedEmbedder implements Embedder {
  private readonly cache = new Map<string, Float32Array>();

  constructor(
    private readonly inner: Embedder,
    private readonly capacity = 10_000,
  ) {}

  get modelId(): string {
    return this.inner.modelId;
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const keys = texts.map((t) => createHash('sha256').update(t).digest('base64'));
    const missing = [...new Set(keys.filter((k) => !this.cache.has(k)))];
    if (missing.length) {
      const byKey = new Map(keys.map((k, i) => [k, texts[i]!]));
      const vectors = await this.inner.embed(missing.map((k) => byKey.get(k)!));
      for (const [i, k] of missing.entries()) this.remember(k, vectors[i]!);
    }
    return keys.map((k) => {
      const v = this.cache.get(k)!;
      this.cache.delete(k); // refresh recency
      this.cache.set(k, v);
      return v;
    });
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  private remember(key: string, vector: Float32Array): void {
    this.cache.set(key, vector);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }
}

export function normalize(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}
