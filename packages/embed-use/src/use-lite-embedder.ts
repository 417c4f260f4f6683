import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Embedder, EngramError, normalize } from '@engram/core';
import { DIMENSION, MODEL_ID } from './model';

export interface UseLiteOptions {
  /** Worker threads (default: the machine's cores, at most 4). */
  threads?: number;
  /** Texts per model call; 16 was the throughput sweet spot measured here. */
  chunkSize?: number;
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

function workerPath(): string {
  const beside = path.join(__dirname, 'worker.js');
  // Under ts-jest/swc the source directory has no .js worker; use the built one.
  return existsSync(beside) ? beside : path.join(__dirname, '..', 'dist', 'worker.js');
}

/**
 * Universal Sentence Encoder lite, the offline default embedder: weights ship inside npm,
 * so it works without network. Each worker thread holds one model; a request is split into
 * chunks spread over the least busy workers, so ingest uses every core and queries are not
 * stuck behind a long batch on a single thread.
 */
export class UseLiteEmbedder implements Embedder {
  readonly modelId = MODEL_ID;
  readonly dimension = DIMENSION;
  private slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: UseLiteOptions = {}) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    this.start();
    const size = this.options.chunkSize ?? 16;
    const chunks: string[][] = [];
    for (let i = 0; i < texts.length; i += size) chunks.push(texts.slice(i, i + size));
    const results = await Promise.all(chunks.map((chunk) => this.run(chunk)));
    return results.flat().map(normalize);
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const p of this.pending.values())
      p.reject(new EngramError('dependency_unavailable', 'embedder closed'));
    this.pending.clear();
  }

  private start(): void {
    if (this.slots.length) return;
    const count = this.options.threads ?? Math.max(1, Math.min(availableParallelism(), 4));
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerPath());
      worker.unref();
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (msg: { id: number; vectors?: Float32Array[]; error?: string }) => {
        slot.busy--;
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (!p) return;
        if (msg.error) p.reject(new EngramError('dependency_unavailable', `embedding failed: ${msg.error}`));
        else p.resolve(msg.vectors!);
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values())
          p.reject(new EngramError('dependency_unavailable', `embedder worker died: ${err.message}`));
        this.pending.clear();
        this.slots = [];
      });
      this.slots.push(slot);
    }
  }

  private run(texts: string[]): Promise<Float32Array[]> {
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, texts });
    });
  }
}
