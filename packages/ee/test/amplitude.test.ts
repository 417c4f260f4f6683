import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCloud } from './harness';

describe('identified telemetry (Amplitude)', () => {
  it('sends events with the developer and project, never content or keys', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(body);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 200, events_ingested: 1 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/2/httpapi`;
    const cloud = await startCloud({
      amplitude: { apiKey: 'amp-test', serverUrl: url, flushIntervalMillis: 100 },
    });
    try {
      const p = await cloud.project('amp');
      await cloud.api
        .post('/v1/memory')
        .set('X-API-Key', p.write.key)
        .send({ content: 'confidential roadmap item' });
      await cloud.api.post('/v1/memory/search').set('X-API-Key', p.read.key).send({ query: 'roadmap' });
    } finally {
      await cloud.close(); // flushes
      server.close();
    }
    const events = received.flatMap(
      (b) =>
        JSON.parse(b).events as {
          event_type: string;
          user_id: string;
          event_properties: Record<string, unknown>;
        }[],
    );
    expect(events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['memory_added', 'search_performed']),
    );
    const added = events.find((e) => e.event_type === 'memory_added')!;
    expect(added.user_id).toMatch(/^key_/);
    expect(added.event_properties.project_id).toMatch(/^prj_/);
    expect(received.join('')).not.toContain('confidential');
    expect(received.join('')).not.toContain('egk_');
  });
});
