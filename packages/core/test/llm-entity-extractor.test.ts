import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmEntityExtractor } from '../src';

/** A stand-in chat completions server that answers with the given contents in turn. */
async function chatServer(answers: { status?: number; content?: string }[]) {
  const requests: { model: string; messages: { role: string; content: string }[] }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      requests.push(JSON.parse(raw));
      const answer = answers[Math.min(requests.length, answers.length) - 1]!;
      if (answer.status) return res.writeHead(answer.status).end();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ choices: [{ message: { content: answer.content } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => server.close(),
  };
}

describe('LlmEntityExtractor', () => {
  it('asks for JSON, retries a busy server, keeps valid entities once each', async () => {
    const content = JSON.stringify({
      entities: [
        { name: 'Caroline', kind: 'person' },
        { name: 'caroline', kind: 'person' },
        { name: 'Sweden', kind: 'place' },
        { name: 'adoption', kind: 'weird-kind' },
        { name: '', kind: 'topic' },
      ],
    });
    const server = await chatServer([{ status: 503 }, { content: `\`\`\`json\n${content}\n\`\`\`` }]);
    try {
      const extractor = new LlmEntityExtractor({ baseUrl: server.url, model: 'small' });
      expect(await extractor.extract('Caroline moved from Sweden to work on adoption')).toEqual([
        { name: 'Caroline', kind: 'person' },
        { name: 'Sweden', kind: 'place' },
        { name: 'adoption', kind: 'topic' },
      ]);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]!.messages.at(-1)!.content).toBe(
        'Caroline moved from Sweden to work on adoption',
      );
    } finally {
      server.close();
    }
  });

  it('refuses an answer that is not an entity list', async () => {
    const server = await chatServer([{ content: 'Sure! Here are the entities: Caroline' }]);
    try {
      await expect(
        new LlmEntityExtractor({ baseUrl: server.url, model: 'm' }).extract('x'),
      ).rejects.toMatchObject({
        code: 'dependency_unavailable',
      });
    } finally {
      server.close();
    }
  });
});
