import { EngramError } from '../errors';
import { backoffDelay } from '../jobs/job-queue';
import type { Embedder } from '../ports/ai';
import { normalize } from './cached-embedder';

export interface OpenAIEmbedderOptions {
  /** e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), a vLLM or TEI server. */
  baseUrl: string;
  model: string;
  dimension: number;
  apiKey?: string;
  /** Texts per request. */
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
}

/** Any server speaking OpenAI's `POST /embeddings`: OpenAI, Ollama, vLLM, TEI, LocalAI. */
export class OpenAIEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.modelId = `openai-compatible:${options.model}`;
    this.dimension = options.dimension;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const size = this.options.batchSize ?? 64;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.request(texts.slice(i, i + size))));
    return out;
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    const maxRetries = this.options.maxRetries ?? 4;
    for (let attempt = 1; ; attempt++) {
      let retryable = true;
      try {
        const res = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}/embeddings`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey && { authorization: `Bearer ${this.options.apiKey}` }),
          },
          body: JSON.stringify({ model: this.options.model, input }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
        if (!res.ok) {
          retryable = res.status === 429 || res.status >= 500;
          throw new Error(`embedding server answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        }
        const body = (await res.json()) as { data: { index: number; embedding: number[] }[] };
        const vectors = [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (vectors.length !== input.length || vectors.some((v) => v.length !== this.dimension)) {
          retryable = false;
          throw new EngramError(
            'model_mismatch',
            `embedding server returned vectors that are not ${input.length} × ${this.dimension}`,
          );
        }
        return vectors.map(normalize);
      } catch (err) {
        if (!retryable || attempt > maxRetries) {
          if (err instanceof EngramError) throw err;
          throw new EngramError('dependency_unavailable', `embedding failed: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, 250, 8000)));
      }
    }
  }
}
