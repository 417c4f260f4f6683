import { startCloud } from './harness';

type Who = 'read' | 'write' | 'admin' | 'platform';

/**
 * Every v1 route × every kind of caller. Expected access is written out here by hand, not
 * derived from the implementation: a change to the permissions must change this table.
 */
const ROUTES: { method: 'get' | 'post' | 'put' | 'delete'; path: string; body?: object; allowed: Who[] }[] = [
  { method: 'post', path: '/v1/memory', body: { content: 'rbac probe' }, allowed: ['write', 'admin'] },
  { method: 'get', path: '/v1/memory', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/memory/{memory}', allowed: ['read', 'write', 'admin'] },
  { method: 'put', path: '/v1/memory/{memory}', body: { tags: ['x'] }, allowed: ['write', 'admin'] },
  { method: 'get', path: '/v1/memory/{memory}/history', allowed: ['read', 'write', 'admin'] },
  { method: 'delete', path: '/v1/memory?user_id=nobody', allowed: ['write', 'admin'] },
  {
    method: 'post',
    path: '/v1/memory/search',
    body: { query: 'probe' },
    allowed: ['read', 'write', 'admin'],
  },
  {
    method: 'post',
    path: '/v1/memory/batch',
    body: { memories: [{ content: 'b' }] },
    allowed: ['write', 'admin'],
  },
  {
    method: 'post',
    path: '/v1/relations',
    body: { source_id: '{memory}', target_id: '{memory2}', type: 'LINK' },
    allowed: ['write', 'admin'],
  },
  { method: 'get', path: '/v1/graph/neighbors?id={memory}', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/graph/entities', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/logs/queries', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/logs/retrievals', allowed: ['read', 'write', 'admin'] },
  { method: 'get', path: '/v1/webhooks', allowed: ['admin'] },
  {
    method: 'post',
    path: '/v1/webhooks',
    body: { url: 'http://127.0.0.1:9/x', events: ['memory.created'] },
    allowed: ['admin'],
  },
  { method: 'get', path: '/v1/admin/projects/{project}/keys', allowed: ['admin', 'platform'] },
  { method: 'post', path: '/v1/admin/orgs', body: { name: 'o' }, allowed: ['platform'] },
  { method: 'delete', path: '/v1/memory/{memory}', allowed: ['write', 'admin'] },
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
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of ROUTES) {
      for (const who of Object.keys(keys) as Who[]) {
        // A fresh memory per attempt, so a delete by one caller does not change the next one's answer.
        const add = () =>
          cloud.api.post('/v1/memory').set('X-API-Key', mine.write.key).send({ content: 'target' });
        const memory = (await add()).body.id;
        const memory2 = (await add()).body.id;
        const fill = (s: string) =>
          s.replace('{memory}', memory).replace('{memory2}', memory2).replace('{project}', mine.project.id);
        const url = fill(route.path);
        const body = route.body && JSON.parse(fill(JSON.stringify(route.body)));
        const res = await cloud.api[route.method](url).set('Authorization', `Bearer ${keys[who]}`).send(body);
        const allowed = res.status < 400;
        outcomes.push(`${route.method} ${route.path} ${who}: ${allowed ? 'allow' : 'deny'}`);
        expected.push(
          `${route.method} ${route.path} ${who}: ${route.allowed.includes(who) ? 'allow' : 'deny'}`,
        );
        if (!allowed) expect(res.status).toBe(403); // authenticated, not permitted
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
