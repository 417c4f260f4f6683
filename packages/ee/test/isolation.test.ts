import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import fc from 'fast-check';
import { startCloud } from './harness';

type Op =
  | { kind: 'add'; tenant: 0 | 1; n: number }
  | { kind: 'search'; tenant: 0 | 1 }
  | { kind: 'list'; tenant: 0 | 1 }
  | { kind: 'probe'; tenant: 0 | 1 } // read, update or delete the other tenant's latest memory
  | { kind: 'export'; tenant: 0 | 1 }
  | { kind: 'batch'; tenant: 0 | 1; n: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    tenant: fc.constantFrom(0 as const, 1 as const),
    n: fc.nat(999),
  }),
  fc.record({ kind: fc.constant('search' as const), tenant: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant('list' as const), tenant: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant('probe' as const), tenant: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant('export' as const), tenant: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({
    kind: fc.constant('batch' as const),
    tenant: fc.constantFrom(0 as const, 1 as const),
    n: fc.nat(999),
  }),
);

describe.each([
  ['tenants and documents in SQLite', false],
  ['tenants and documents in MongoDB (FerretDB)', true],
])('tenant isolation (property), %s', (_name, onMongo) => {
  let cloud: Awaited<ReturnType<typeof startCloud>>;
  let mongo: TestMongo | null = null;
  beforeAll(async () => {
    mongo = onMongo ? await startTestMongo() : null;
    cloud = await startCloud({}, mongo?.url);
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
    await mongo?.stop();
  });

  it('no response or log export of one tenant ever contains the other tenant’s data', async () => {
    const tenants = [await cloud.project('alpha'), await cloud.project('bravo')];
    // Every piece of content carries its tenant's marker; the other marker must never come back.
    const marker = ['alphamark', 'bravomark'];
    const latest: (string | null)[] = [null, null];
    // Each tenant subscribes its own receiver to every memory event.
    const inbox: string[][] = [[], []];
    const receivers = await Promise.all(
      [0, 1].map(async (t) => {
        const server = createServer((req, res) => {
          let body = '';
          req.on('data', (c) => {
            body += c;
          });
          req.on('end', () => {
            inbox[t]!.push(body);
            res.writeHead(204).end();
          });
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
        const sub = await cloud.api
          .post('/v1/webhooks')
          .set('X-API-Key', tenants[t]!.adminKey.key)
          .send({ url, events: ['memory.created', 'memory.updated', 'memory.deleted', 'batch.completed'] });
        expect(sub.status).toBe(201);
        return server;
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          const me = tenants[o.tenant]!;
          const other = 1 - o.tenant;
          const call = (method: 'get' | 'post' | 'put' | 'delete', url: string) =>
            cloud.api[method](url).set('Authorization', `Bearer ${me.adminKey.key}`);
          let text = '';
          if (o.kind === 'add') {
            const res = await call('post', '/v1/memory').send({
              content: `${marker[o.tenant]} note ${o.n}`,
              user_id: 'shared-user',
            });
            latest[o.tenant] = res.body.id;
            text = res.text;
          } else if (o.kind === 'batch') {
            text = (
              await call('post', '/v1/memory/batch').send({
                memories: [{ content: `${marker[o.tenant]} batch ${o.n}`, user_id: 'shared-user' }],
              })
            ).text;
          } else if (o.kind === 'search') {
            text = (
              await call('post', '/v1/memory/search').send({
                query: 'note batch mark',
                user_id: 'shared-user',
                include_graph: true,
              })
            ).text;
          } else if (o.kind === 'list') {
            text = (await call('get', '/v1/memory?user_id=shared-user&limit=1000')).text;
          } else if (o.kind === 'export') {
            await call('post', '/v1/memory/search').send({ query: 'note' });
            text = (await call('get', '/v1/logs/retrievals').set('Accept', 'application/x-ndjson')).text;
            text += (await call('get', '/v1/logs/queries').set('Accept', 'application/x-ndjson')).text;
            const ids = text.match(/mem_[0-9A-Z]{26}/g) ?? [];
            for (const id of ids) {
              const seen = await call('get', `/v1/memory/${id}`);
              expect(seen.status).toBe(200); // every logged memory is one this tenant can read
            }
          } else if (o.kind === 'probe' && latest[other]) {
            for (const res of [
              await call('get', `/v1/memory/${latest[other]}`),
              await call('put', `/v1/memory/${latest[other]}`).send({
                content: `${marker[o.tenant]} hijack`,
              }),
              await call('get', `/v1/memory/${latest[other]}/history`),
              await call('get', `/v1/graph/neighbors?id=${latest[other]}`),
              await call('delete', `/v1/memory/${latest[other]}`),
            ]) {
              expect(res.status).toBe(404);
              text += res.text;
            }
          }
          expect(text).not.toContain(marker[other]);
        }
        await cloud.engram.ports.jobQueue.idle();
      }),
      { numRuns: 15 },
    );
    await cloud.engram.ports.jobQueue.idle();
    for (const server of receivers) server.close();
    // Webhooks went only to their own tenant's receiver.
    expect(inbox[0]!.length + inbox[1]!.length).toBeGreaterThan(0);
    for (const t of [0, 1] as const) expect(inbox[t]!.join('\n')).not.toContain(marker[1 - t]);
    // The other tenant's data is intact: probes changed nothing.
    for (const t of [0, 1] as const) {
      const listed = await cloud.api.get('/v1/memory?limit=1000').set('X-API-Key', tenants[t]!.read.key);
      for (const m of listed.body.data) expect(m.content).toContain(marker[t]);
    }
  }, 120_000);
});
