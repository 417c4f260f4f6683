import { UseLiteEmbedder } from '../src/use-lite-embedder';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('UseLiteEmbedder', () => {
  const embedder = new UseLiteEmbedder({ threads: 2, chunkSize: 4 });
  afterAll(() => embedder.close());

  it('loads the shipped model and returns normalised 512-d vectors in input order', async () => {
    const texts = [
      'I adopted a puppy last week',
      'We got a new dog recently',
      'The quarterly tax report is due',
      'a',
      'b',
      'c',
    ];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toHaveLength(512);
      expect(Math.abs(cosine(v, v) - 1)).toBeLessThan(1e-4);
    }
    // Paraphrases are closer than unrelated text: the model really encodes meaning.
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!) + 0.2);
    // Same text, same vector, whichever worker embedded it.
    const again = await embedder.embed(['The quarterly tax report is due']);
    expect(cosine(again[0]!, vectors[2]!)).toBeGreaterThan(0.9999);
  });

  it('returns nothing for nothing', async () => {
    expect(await embedder.embed([])).toEqual([]);
  });
});
