import path from 'node:path';
import { EngramError } from '@engram/core';
import { TransformersEmbedder } from '../src';

const TINY = path.join(__dirname, 'fixtures', 'tiny-bert');
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('TransformersEmbedder', () => {
  let embedder: TransformersEmbedder;
  beforeAll(async () => {
    embedder = await TransformersEmbedder.load({ model: TINY });
  });
  afterAll(() => embedder.close());

  it('loads a model folder offline and reads its dimension from the output', () => {
    expect(embedder.dimension).toBe(8);
    expect(embedder.modelId).toBe('transformers:tiny-bert:fp32');
  });

  it('returns one normalised vector per text, in order, the same for the same text', async () => {
    const texts = ['my cat sleeps', 'stock prices fell', 'my cat sleeps'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(Array.from(vectors[2]!)).toEqual(Array.from(vectors[0]!));
    expect(cosine(vectors[0]!, vectors[1]!)).toBeLessThan(0.99);
  });

  it('pools token vectors with the attention mask: a synonym keeps the meaning, padding adds nothing', async () => {
    // cat and kitten share a vector in the fixture; the longer text pads the shorter in one batch.
    const [cat, kitten, other] = await embedder.embed([
      'my cat sleeps',
      'my kitten sleeps',
      'stock prices fell on the market',
    ]);
    expect(cosine(cat!, kitten!)).toBeCloseTo(1, 5);
    const [alone] = await embedder.embed(['my cat sleeps']);
    expect(cosine(cat!, alone!)).toBeCloseTo(1, 5);
    expect(cosine(cat!, other!)).toBeLessThan(0.9);
  });

  it('batches long inputs without changing results', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => (i % 2 ? 'the dog runs' : 'a kitten on the sofa'));
    const small = await TransformersEmbedder.load({ model: TINY, batchSize: 8 });
    const [batched, whole] = [await small.embed(texts), await embedder.embed(texts)];
    expect(batched.map((v) => Array.from(v))).toEqual(whole.map((v) => Array.from(v)));
    await small.close();
  });

  it('a missing model is a clear error naming where it looked, and never goes to the network by default', async () => {
    const err = await TransformersEmbedder.load({
      model: 'Xenova/all-MiniLM-L6-v2',
      cacheDir: path.join(__dirname, 'no-cache'),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(EngramError);
    expect(err.code).toBe('dependency_unavailable');
    expect(err.message).toContain('Xenova/all-MiniLM-L6-v2');
    expect(err.message).toContain('downloads are off');
  });
});
