import type { AddressInfo } from 'node:net';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, testEnv } from './helpers';

// mem0's own TypeScript client, pointed at Engram: only its host changes. Its telemetry stays off.
process.env.MEM0_TELEMETRY = 'false';
// biome-ignore lint/suspicious/noExplicitAny: the client's module shape (default export in CJS)
const { default: MemoryClient } = require('mem0ai') as { default: any };

describe("mem0's client against Engram", () => {
  let engram: OssServer;
  let host: string;
  beforeAll(async () => {
    engram = await startServer(testEnv());
    const server = await engram.listen(0);
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => engram.close());

  it('adds, searches, lists, gets, updates, reads history and deletes through mem0 routes', async () => {
    const client = new MemoryClient({ apiKey: API_KEY, host });
    await client.ping();
    const added = await client.add(
      [
        { role: 'user', content: 'I am allergic to peanuts and I love hiking in the Alps.' },
        { role: 'assistant', content: 'Noted: no peanuts, lots of mountains.' },
      ],
      { user_id: 'mem0-user' },
    );
    expect(added.results).toHaveLength(2);
    expect(added.results[0]).toMatchObject({ event: 'ADD', memory: expect.stringContaining('peanuts') });

    const found = await client.search('what is the user allergic to?', { filters: { user_id: 'mem0-user' } });
    expect(found.results[0]).toMatchObject({
      memory: expect.stringContaining('peanuts'),
      userId: 'mem0-user',
    });
    expect(found.results[0].score).toBeGreaterThan(0);

    const all = await client.getAll({ filters: { user_id: 'mem0-user' } });
    expect(all.results).toHaveLength(2);

    const id = added.results[0].id;
    expect(await client.get(id)).toMatchObject({ id, memory: expect.stringContaining('peanuts') });
    await client.update(id, { text: 'I am allergic to peanuts and to shellfish.' });
    expect((await client.get(id)).memory).toMatch(/shellfish/);
    const history = await client.history(id);
    expect(history.map((h: { event: string }) => h.event)).toEqual(['ADD', 'UPDATE']);
    expect(history[1]).toMatchObject({
      oldMemory: expect.stringContaining('hiking'),
      newMemory: expect.stringContaining('shellfish'),
    });

    await client.delete(id);
    await expect(client.get(id)).rejects.toThrow();
    await client.deleteAll({ user_id: 'mem0-user' });
    expect((await client.getAll({ filters: { user_id: 'mem0-user' } })).results).toEqual([]);
  });

  it('refuses a wrong key with the status mem0 clients expect', async () => {
    const client = new MemoryClient({ apiKey: 'egm_wrong_key_0000000000', host });
    await expect(client.ping()).rejects.toThrow();
  });
});
