import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { parseCsv, readRecords } from '../src/cli/records';
import { EngramApiError, EngramClient, EngramConnectionError, verifyWebhook } from '../src/index';

/**
 * The client's own behaviour on the wire (retries, backoff, Retry-After) against a plain HTTP
 * peer that answers as told; its behaviour against Engram itself is in the OSS server's tests.
 */
async function peer(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { at: number; headers: IncomingMessage['headers'] }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ at: Date.now(), headers: req.headers });
      answer(seen.length, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const problem = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) =>
  res
    .writeHead(status, { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'req-1', ...headers })
    .end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail: `${code} happened` }));

describe('EngramClient on the wire', () => {
  it('retries a 429 after the Retry-After it was given, with the same Idempotency-Key', async () => {
    const server = await peer((n, _req, res) =>
      n === 1
        ? problem(res, 429, 'rate_limited', { 'Retry-After': '1' })
        : res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"id":"mem_1"}'),
    );
    try {
      const client = new EngramClient({ url: server.url, apiKey: 'k', backoffMs: 1 });
      expect(await client.add({ content: 'x' })).toEqual({ id: 'mem_1' });
      expect(server.seen).toHaveLength(2);
      expect(server.seen[1]!.at - server.seen[0]!.at).toBeGreaterThanOrEqual(950);
      const keys = server.seen.map((s) => s.headers['idempotency-key']);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(keys[1]).toBe(keys[0]);
      expect(server.seen[0]!.headers.authorization).toBe('Bearer k');
    } finally {
      await server.close();
    }
  });

  it('backs off on 5xx and gives up after maxRetries with a typed problem', async () => {
    const server = await peer((_n, _req, res) => problem(res, 503, 'dependency_unavailable'));
    try {
      const client = new EngramClient({ url: server.url, maxRetries: 2, backoffMs: 20 });
      const err = (await client.get('mem_1').catch((e: unknown) => e)) as EngramApiError;
      expect(err).toBeInstanceOf(EngramApiError);
      expect(err).toMatchObject({ status: 503, code: 'dependency_unavailable', requestId: 'req-1' });
      expect(server.seen).toHaveLength(3);
      // Exponential: the second wait is longer than the first's floor.
      expect(server.seen[2]!.at - server.seen[1]!.at).toBeGreaterThanOrEqual(20);
    } finally {
      await server.close();
    }
  });

  it('does not retry a client error', async () => {
    const server = await peer((_n, _req, res) => problem(res, 400, 'validation_failed'));
    try {
      const client = new EngramClient({ url: server.url, backoffMs: 1 });
      await expect(client.search({ query: 'q' })).rejects.toMatchObject({
        status: 400,
        code: 'validation_failed',
      });
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable server as a connection error after its retries', async () => {
    const client = new EngramClient({ url: 'http://127.0.0.1:9', maxRetries: 1, backoffMs: 1 });
    await expect(client.status()).rejects.toBeInstanceOf(EngramConnectionError);
  });

  it('pages through a listing until next_cursor is null', async () => {
    const server = await peer((n, req, res) => {
      const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
      const body = cursor
        ? { data: [{ id: 'c' }], next_cursor: null }
        : { data: [{ id: 'a' }, { id: 'b' }], next_cursor: `page${n}` };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    try {
      const client = new EngramClient({ url: server.url });
      const ids: string[] = [];
      for await (const m of client.listAll({ user_id: 'u' })) ids.push(m.id);
      expect(ids).toEqual(['a', 'b', 'c']);
    } finally {
      await server.close();
    }
  });
});

describe('verifyWebhook', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const payload = JSON.stringify({ type: 'memory.created', data: { id: 'mem_1' } });
  const sign = (at: Date) => {
    const headers = new Webhook(secret).sign('msg_1', at, payload);
    return {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': headers,
    };
  };

  it('accepts what the Standard Webhooks reference signs and refuses a changed body', () => {
    const headers = sign(new Date());
    expect(verifyWebhook(payload, headers, secret)).toEqual({
      type: 'memory.created',
      data: { id: 'mem_1' },
    });
    expect(() => verifyWebhook(payload.replace('mem_1', 'mem_2'), headers, secret)).toThrow(
      /no valid signature/,
    );
  });

  it('refuses a stale delivery (a replay) and a missing header', () => {
    expect(() => verifyWebhook(payload, sign(new Date(Date.now() - 600_000)), secret)).toThrow(/tolerance/);
    expect(() => verifyWebhook(payload, {}, secret)).toThrow(/missing webhook-id/);
  });
});

describe('import records', () => {
  it('parses quoted CSV fields with commas, quotes and line breaks', () => {
    expect(parseCsv('content,user_id\n"a, ""b""\nc",u1\r\nplain,u2\n')).toEqual([
      ['content', 'user_id'],
      ['a, "b"\nc', 'u1'],
      ['plain', 'u2'],
    ]);
  });

  it("reads Engram's export back as inputs, dropping what the server assigns", () => {
    const line = JSON.stringify({
      id: 'mem_1',
      tenant_id: 't',
      content: 'c',
      user_id: 'u',
      version: 3,
      valid_to: null,
    });
    expect(readRecords(line, 'jsonl')).toEqual([{ content: 'c', user_id: 'u' }]);
  });

  it('names the line of a broken JSONL record', () => {
    expect(() => readRecords('{"content":"a"}\n{oops', 'jsonl')).toThrow(/line 2/);
  });
});
