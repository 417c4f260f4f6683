import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAIEmbedder } from '../src';

/** A stand-in embedding server speaking OpenAI's protocol; answers 503 to its first `failures` calls. */
async function embeddingServer(failures: number) {
  const seen: { auth?: string; body: { model: string; input: string[] } }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw);
      seen.push({ auth: req.headers.authorization, body });
      if (seen.length <= failures) return res.writeHead(503).end('busy');
      // Out of order on purpose: clients must sort by index.
      const data = body.input
        .map((text: string, index: number) => ({ index, embedding: [text.length, 1, 0] }))
        .reverse();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    close: () => server.close(),
  };
}

describe('OpenAIEmbedder', () => {
  it('batches, retries transient failures, sends the key, keeps order and normalises', async () => {
    const server = await embeddingServer(1);
    try {
      const embedder = new OpenAIEmbedder({
        baseUrl: server.url,
        model: 'm',
        dimension: 3,
        apiKey: 'sk-test',
        batchSize: 2,
      });
      const vectors = await embedder.embed(['a', 'bbb', 'cc']);
      expect(vectors.map((v) => Array.from(v).map((x) => Math.round(x * 1000) / 1000))).toEqual([
        [Math.round(1000 * Math.SQRT1_2) / 1000, Math.round(1000 * Math.SQRT1_2) / 1000, 0],
        [0.949, 0.316, 0],
        [0.894, 0.447, 0],
      ]);
      expect(server.seen.map((s) => s.body.input)).toEqual([['a', 'bbb'], ['a', 'bbb'], ['cc']]);
      expect(server.seen[0]!.auth).toBe('Bearer sk-test');
      expect(embedder.modelId).toBe('openai-compatible:m');
    } finally {
      server.close();
    }
  });

  it('refuses vectors of the wrong dimension instead of storing them', async () => {
    const server = await embeddingServer(0);
    try {
      const embedder = new OpenAIEmbedder({ baseUrl: server.url, model: 'm', dimension: 384, maxRetries: 0 });
      await expect(embedder.embed(['x'])).rejects.toMatchObject({ code: 'model_mismatch' });
    } finally {
      server.close();
    }
  });
});
