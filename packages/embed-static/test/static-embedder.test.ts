import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngramError } from '@engram/core';
import { adversarialTexts } from '@engram/core/testing';
import { MAX_SPELLED_LETTERS, readTable, StaticEmbedder, tokenize, writeTable } from '../src';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('the distilled table that ships', () => {
  const embedder = new StaticEmbedder();

  it('records its model id and dimension for the vector index', () => {
    expect(embedder.modelId).toMatch(/^static-use-lite-\d+-v1$/);
    expect(embedder.dimension).toBeGreaterThanOrEqual(64);
  });

  it('returns one normalised vector per text, in order, deterministic', async () => {
    const texts = [
      'Caroline went to the LGBTQ support group',
      'Melanie painted a sunrise',
      'Caroline went to the LGBTQ support group',
    ];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(embedder.dimension);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
    expect(Array.from(vectors[2]!)).toEqual(Array.from(vectors[0]!));
  });

  it('puts a paraphrase nearer than an unrelated text', async () => {
    const [query, paraphrase, unrelated] = await embedder.embed([
      'What instrument does she play?',
      'I have been practising the violin every evening',
      'The quarterly tax forms are due next week',
    ]);
    expect(cosine(query!, paraphrase!)).toBeGreaterThan(cosine(query!, unrelated!));
  });

  it('spells words outside the table from pieces, and gives punctuation alone the zero vector', async () => {
    const [made, empty] = await embedder.embed(['zorblaxian flibbertigibbet', '?!…']);
    expect(Math.hypot(...made!)).toBeCloseTo(1, 4);
    expect(Array.from(empty!).every((x) => x === 0)).toBe(true);
  });
});

describe('word table files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-table-'));

  it('round-trips, and a text is the weighted average of its words', async () => {
    const file = path.join(dir, 'tiny.bin');
    writeFileSync(
      file,
      writeTable({
        header: { modelId: 'tiny-2', dimension: 2, source: 'test' },
        keys: ['cat', 'dog', '\u2581zo', '##rb'],
        weights: Float32Array.from([1, 3, 1, 1]),
        scales: Float32Array.from([1 / 127, 1 / 127]),
        vectors: Int8Array.from([127, 0, 0, 127, 127, 127, -127, 0]),
      }),
    );
    const table = readTable(require('node:fs').readFileSync(file));
    expect(table.keys).toEqual(['cat', 'dog', '\u2581zo', '##rb']);
    const embedder = new StaticEmbedder(file);
    const [catDog, zorb] = await embedder.embed(['Cat, dog!', 'zorb']);
    // (1·[1,0] + 3·[0,1]) normalised
    expect(catDog![0]).toBeCloseTo(1 / Math.hypot(1, 3), 5);
    expect(catDog![1]).toBeCloseTo(3 / Math.hypot(1, 3), 5);
    // ▁zo + ##rb = [1,1] + [-1,0] = [0,1]
    expect(Array.from(zorb!)).toEqual([0, 1]);
  });

  it('a missing or damaged table is a clear error', () => {
    expect(() => new StaticEmbedder(path.join(dir, 'none.bin'))).toThrow(EngramError);
    const bad = path.join(dir, 'bad.bin');
    writeFileSync(bad, Buffer.from('not a table'));
    expect(() => new StaticEmbedder(bad)).toThrow(/bad magic/);
  });

  it('tokenizes letters and digits, folding case and accents', () => {
    expect(tokenize("Café au lait, 2 cups—Zoë's")).toEqual(['cafe', 'au', 'lait', '2', 'cups', 'zoe', 's']);
  });
});

describe('hostile input', () => {
  const embedder = new StaticEmbedder();

  // Before the piece length was bounded, 15,000 letters took minutes (cubic in the word).
  // The bound below is 100x what the linear splitter needs on a slow machine.
  it.each(adversarialTexts().map((t) => [t.name, t.text] as const))(
    'embeds %s of 15,000 characters in linear time',
    async (_name, text) => {
      const started = performance.now();
      const [vector] = await embedder.embed([text]);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(vector).toHaveLength(embedder.dimension);
      expect(vector!.every(Number.isFinite)).toBe(true);
    },
  );

  it('spells only the first MAX_SPELLED_LETTERS letters of a word', async () => {
    const head = 'q'.repeat(MAX_SPELLED_LETTERS);
    const [capped, longer] = await embedder.embed([head, `${head}${'zx'.repeat(5000)}`]);
    expect(Array.from(longer!)).toEqual(Array.from(capped!));
  });
});
