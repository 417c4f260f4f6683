import { startCloud } from './harness';

type Who = 'read' | 'write' | 'admin' | 'platform';

/**
 * Every v1 route × every kind of caller. Expected access is written out here by hand, not
 * derived from the implementation: a change to the permissions must change this table.
 */
/** `reached`: an allowed caller gets past authorisation to a 404 (the target cannot be made here). */
const ROUTES: {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: object;
  allowed: Who[];
  reached?: number;
}[] = [
  { method: 'post', path: '/v1/memory', body: { content: 'rbac probe' }, allowed: ['write', 'admin'] },
  { method: 'get', path: '/v1/memory', allowed: ['read', 'write', 'admin'] },
  { method: 'delete', path: '/v1/memory?user_id=nobody', allowed: ['write', 'admin'] },
  { method: 'get', path: '/v1/memory/{memory}', allowed: ['read', 'write', 'admin'] },
  { method: 'put', path: '/v1/memory/{memory}', body: { tags: ['x'] }, allowed: ['write', 'admin'] },
  { method: 'delete', path: '/v1/memory/{memory}', allowed: ['write', 'admin'] },
  { method: 'get', path: '/v1/memory/{memory}/history', allowed: ['read', 'write', 'admin'] },
  {
    method: 'post',
    path: '/v1/memory/search',
    body: { query: 'probe' },
    allowed: ['read', 'write', 'admin'],
  },
  {
    method: 'post',
    path: '/v1/feedback',
    body: { search_id: '{search}', signal: 'positive' },
    allowed: ['write', 'admin'],
  },
  {
    method: 'post',
    path: '/v1/memory/batch',
    body: { memories: [{ content: 'b' }] },
    allowed: ['write', 'admin'],
  },
  {
    // A callback URL is the power to send signed requests anywhere: webhook permission.
    method: 'post',
    path: '/v1/memory/batch',
    body: {
      memories: [{ content: 'b' }],
      webhook_url: 'http://127.0.0.1:9/cb',
      webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    },
    allowed: ['admin'],
  },
  { method: 'get', path: '/v1/batch/{batch}', allowed: ['read', 'write', 'admin'] },
  // A finished batch answers 409 (it cannot be cancelled): the call reached the handler.
  { method: 'delete', path: '/v1/batch/{batch}', allowed: ['write', 'admin'], reached: 409 },
  {
    method: 'post',
    path: '/v1/relations',
    body: { source_id: '{memory}', target_id: '{memory2}', type: 'LINK' },
    allowed: ['write', 'admin'],
  },
  { method: 'get', path: '/v1/graph/neighbors?id={memory}', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/graph/entities', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/graph/paths?from={memory}&to={memory}', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/logs/queries', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/logs/retrievals', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/logs/feedback', allowed: ['read', 'write', 'admin'] },
  {
    method: 'post',
    path: '/v1/webhooks',
    body: { url: 'http://127.0.0.1:9/x', events: ['memory.created'] },
    allowed: ['admin'],
  },
  { method: 'get', path: '/v1/webhooks', allowed: ['admin'] },
  { method: 'get', path: '/v1/webhooks/{webhook}', allowed: ['admin'] },
  { method: 'delete', path: '/v1/webhooks/{webhook}', allowed: ['admin'] },
  { method: 'get', path: '/v1/webhooks/{webhook}/deliveries', allowed: ['admin'] },
  { method: 'get', path: '/v1/jobs/dead', allowed: ['admin'] },
  { method: 'get', path: '/v1/status', allowed: ['read', 'write', 'admin', 'platform'] }, // public
  { method: 'post', path: '/v1/jobs/dead/{nojob}/retry', allowed: ['admin'], reached: 404 },
  { method: 'post', path: '/v1/index/reconcile', allowed: ['admin'] },
  { method: 'post', path: '/v1/webhooks/{webhook}/test', allowed: ['admin'] },
  { method: 'post', path: '/v1/admin/orgs', body: { name: 'o' }, allowed: ['platform'] },
  { method: 'post', path: '/v1/admin/orgs/{org}/projects', body: { name: 'p' }, allowed: ['platform'] },
  {
    method: 'put',
    path: '/v1/admin/orgs/{org}/members',
    body: { user_id: 'u', role: 'viewer' },
    allowed: ['platform'],
  },
  {
    method: 'post',
    path: '/v1/admin/projects/{project}/keys',
    body: { name: 'k', scopes: ['read'] },
    allowed: ['admin', 'platform'],
  },
  { method: 'get', path: '/v1/admin/projects/{project}/keys', allowed: ['admin', 'platform'] },
  { method: 'delete', path: '/v1/admin/projects/{project}/keys/{key}', allowed: ['admin', 'platform'] },
];

describe('RBAC matrix', () => {
  let cloud: Awaited<ReturnType<typeof startCloud>>;
  beforeAll(async () => {
    cloud = await startCloud();
  });
  afterAll(() => cloud.close());

  it('allows and denies every route for every role and scope as specified', async () => {
    const mine = await cloud.project('rbac');
    const keys: Record<Who, string> = {
      read: mine.read.key,
      write: mine.write.key,
      admin: mine.adminKey.key,
      platform: 'egm_platform_admin_key_for_tests',
    };
    // Every route the API documents is in the table, so a new route cannot skip the matrix.
    const documented = Object.entries(
      (await cloud.api.get('/openapi.json')).body.paths as Record<string, object>,
    ).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p.replace(/\{\w+\}/g, '{x}')}`));
    const tabled = ROUTES.map((r) => `${r.method} ${r.path.split('?')[0]!.replace(/\{\w+\}/g, '{x}')}`);
    expect(documented.filter((d) => !tabled.includes(d))).toEqual([]);

    const as = (key: string) => ({ Authorization: `Bearer ${key}` });
    // Fresh targets for each attempt, so one caller's delete does not change the next one's answer.
    const fixtures = async (template: string) => {
      const values: Record<string, string> = { project: mine.project.id, org: mine.org.id };
      const needs = (name: string) => template.includes(`{${name}}`);
      // Distinct contents: identical adds would be one memory (deduplicated).
      const add = async (content: string) =>
        (await cloud.api.post('/v1/memory').set(as(mine.write.key)).send({ content })).body.id;
      if (needs('memory')) values.memory = await add(`target ${Math.random()}`);
      if (needs('memory2')) values.memory2 = await add(`second target ${Math.random()}`);
      if (needs('search'))
        values.search = (
          await cloud.api.post('/v1/memory/search').set(as(mine.read.key)).send({ query: 'target' })
        ).body.search_id;
      if (needs('batch'))
        values.batch = (
          await cloud.api
            .post('/v1/memory/batch')
            .set(as(mine.write.key))
            .send({ memories: [{ content: 'b' }] })
        ).body.batch_id;
      if (needs('webhook')) {
        values.webhook = (
          await cloud.api
            .post('/v1/webhooks')
            .set(as(mine.adminKey.key))
            .send({ url: 'http://127.0.0.1:9/x', events: ['memory.created'] })
        ).body.id;
      }
      if (needs('key')) values.key = (await mine.key(['read'])).id;
      return template.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? `{${name}}`);
    };
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of ROUTES) {
      for (const who of Object.keys(keys) as Who[]) {
        const filled = JSON.parse(
          await fixtures(JSON.stringify({ url: route.path, body: route.body ?? null })),
        );
        const res = await cloud.api[route.method](filled.url)
          .set(as(keys[who]))
          .send(filled.body ?? undefined);
        const allowed = res.status < 400 || res.status === route.reached;
        outcomes.push(`${route.method} ${route.path} ${who}: ${allowed ? 'allow' : 'deny'}`);
        expected.push(
          `${route.method} ${route.path} ${who}: ${route.allowed.includes(who) ? 'allow' : 'deny'}`,
        );
        // Denied means refused for lack of permission, not a failure of some other kind.
        if (!allowed)
          expect({ route: route.path, who, status: res.status }).toEqual({
            route: route.path,
            who,
            status: 403,
          });
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
