import { Readable } from 'node:stream';
import type { Request } from 'express';
import { readBatchStream } from '../src/http/batch-stream';

/** A request whose body arrives in the given chunks, recording how many were read so far. */
function streamedRequest(chunks: string[], headers: Record<string, string> = {}) {
  let read = 0;
  const body = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        read++;
        yield Buffer.from(chunk);
      }
    })(),
  );
  const req = Object.assign(body, {
    method: 'POST',
    originalUrl: '/v1/memory/batch',
    get: (name: string) => headers[name.toLowerCase()],
  }) as unknown as Request;
  return { req, chunksRead: () => read };
}

const limits = { maxBytes: 1_000_000, maxDepth: 32 };

describe('reading a batch body as it arrives', () => {
  it('hands each item over before the next chunk is read, and keeps the options', async () => {
    const { req, chunksRead } = streamedRequest([
      '{"webhook_url": "https://example.com/cb", "memories": [{"content": "one"}, {"content": "tw',
      'o"}, "not an object", ',
      '{"content": "four"}], "webhook_secret": "whsec_x"}',
    ]);
    const seen: { item: unknown; chunks: number }[] = [];
    const { options, requestHash } = await readBatchStream(req, limits, async (item) => {
      seen.push({ item, chunks: chunksRead() });
    });
    expect(seen).toEqual([
      { item: { content: 'one' }, chunks: 1 },
      { item: { content: 'two' }, chunks: 2 },
      { item: 'not an object', chunks: 2 },
      { item: { content: 'four' }, chunks: 3 },
    ]);
    expect(options).toEqual({ webhook_url: 'https://example.com/cb', webhook_secret: 'whsec_x' });
    expect(requestHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a top level that is not an object', '[{"content": "x"}]', 'invalid_body', undefined],
    ['an unknown top-level key', '{"memories": [], "extra": 1}', 'validation_failed', 'extra'],
    ['memories that are not an array', '{"memories": {"content": "x"}}', 'validation_failed', 'memories'],
    ['no memories', '{"webhook_url": "https://example.com"}', 'validation_failed', 'memories'],
    ['broken JSON', '{"memories": [{"content": "x"}', 'invalid_json', undefined],
    [
      'an item nested too deep',
      `{"memories": [{"metadata": {"a": ${'['.repeat(40)}${']'.repeat(40)}}}]}`,
      'validation_failed',
      'memories.0.metadata.a',
    ],
    [
      'a reserved key in an item',
      '{"memories": [{"content": "x", "metadata": {"__proto__": 1}}]}',
      'validation_failed',
      'memories.0.metadata.__proto__',
    ],
  ])('refuses %s', async (_what, body, code, field) => {
    const { req } = streamedRequest([body]);
    const error = await readBatchStream(req, limits, async () => undefined).catch((e) => e);
    expect(error).toMatchObject({ code });
    if (field) expect(error.details.errors[0].field.startsWith(field)).toBe(true);
  });

  it('stops reading past the byte limit with 413', async () => {
    const { req, chunksRead } = streamedRequest([
      '{"memories": [',
      ...Array.from({ length: 50 }, () => `{"content": "${'x'.repeat(100)}"},`),
      '{}]}',
    ]);
    const error = await readBatchStream(req, { ...limits, maxBytes: 1000 }, async () => undefined).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'payload_too_large', details: { limit: 1000 } });
    expect(chunksRead()).toBeLessThan(20);
  });
});
