import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkRankingModel, type RankingModel, rerankScores } from '../domain/ranking-model';
import type { RerankCandidate, Reranker } from '../ports/ai';

/**
 * A ranking model fitted on a deployment's own exported logs (engram-train-reranker), read from
 * a JSON file at start: a file that is not such a model stops the server with the reason.
 */
export class ModelFileReranker implements Reranker {
  readonly name: string;
  private readonly model: RankingModel;

  constructor(file: string) {
    this.name = `model-file:${basename(file)}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`ENGRAM_RERANKER_MODEL: cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      this.model = checkRankingModel((parsed as { model?: unknown }).model ?? parsed);
    } catch (err) {
      throw new Error(`ENGRAM_RERANKER_MODEL: ${file} is ${(err as Error).message}`);
    }
  }

  async rerank(query: string, candidates: RerankCandidate[]): Promise<number[]> {
    return rerankScores(this.model, query, candidates);
  }
}
