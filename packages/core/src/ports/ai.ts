import type { EntityKind, Memory, SignalScores } from '../domain/types';

export interface Embedder {
  /** Stable model id recorded with the vector index, e.g. `use-lite-512` or `openai:text-embedding-3-small`. */
  readonly modelId: string;
  readonly dimension: number;
  /** One vector per text, in order, each L2-normalised. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

export interface ExtractedEntity {
  name: string;
  kind: EntityKind;
}

export interface EntityExtractor {
  extract(text: string): Promise<ExtractedEntity[]>;
}

export interface RerankCandidate {
  memory: Memory;
  /** The calibrated relevance search would answer without a reranker. */
  score: number;
  /** Each retriever's score, as search answers them. */
  signals?: SignalScores;
}

/**
 * Optional second stage over the calibrated list; returns a new score per candidate, same
 * order, and search answers them sorted by it (returning the scores given changes nothing).
 */
export interface Reranker {
  readonly name: string;
  rerank(query: string, candidates: RerankCandidate[]): Promise<number[]>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** An LLM that answers in JSON (for fact extraction and memory updates). Optional. */
export interface ChatModel {
  /** Names the model and server, for logs. */
  readonly id: string;
  /** The model's answer to `messages`, asked for a JSON object (not yet parsed). */
  completeJson(messages: ChatMessage[]): Promise<string>;
}
