import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import { PlanBook } from '../src';
import { startCloud } from './harness';

const ISSUER = 'https://engram-test.auth0.example/';
const AUDIENCE = 'https://api.engram.test';

async function jwksServer(keys: JWK[]): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`, server };
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('SSO with OIDC access tokens', () => {
  let cloud: Awaited<ReturnType<typeof startCloud>>;
  let jwks: { url: string; server: Server };
  let signingKey: KeyLike;
  let publicPem: string;
  let otherKey: KeyLike;
  let org: { id: string };
  let project: { id: string };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    otherKey = (await generateKeyPair('RS256')).privateKey;
    jwks = await jwksServer([{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }]);
    cloud = await startCloud({ oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url } });
    const p = await cloud.project('sso');
    org = p.org;
    project = p.project;
  });
  afterAll(async () => {
    await cloud.close();
    jwks.server.close();
  });

  const claims = (extra: Record<string, unknown> = {}) => ({
    'https://engram.dev/org_id': org.id,
    'https://engram.dev/project_id': project.id,
    'https://engram.dev/role': 'developer',
    ...extra,
  });
  const token = (
    opts: {
      key?: KeyLike;
      kid?: string;
      iss?: string;
      aud?: string;
      exp?: string | number;
      nbf?: string | number;
      sub?: string;
      extra?: object;
    } = {},
  ) => {
    const jwt = new SignJWT(claims(opts.extra as Record<string, unknown>))
      .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
      .setSubject(opts.sub ?? 'auth0|alice')
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m');
    if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
    return jwt.sign(opts.key ?? signingKey);
  };
  const call = (bearer: string) => cloud.api.get('/v1/memory').set('Authorization', `Bearer ${bearer}`);

  it('accepts a valid token and maps its claims to the project and role', async () => {
    const good = await token();
    expect((await call(good)).status).toBe(200);
    const added = await cloud.api
      .post('/v1/memory')
      .set('Authorization', `Bearer ${good}`)
      .send({ content: 'from sso' });
    expect(added.status).toBe(201);
    expect(added.body.tenant_id).toBe(project.id);
    const viewer = await token({ extra: { 'https://engram.dev/role': 'viewer' } });
    expect(
      (await cloud.api.post('/v1/memory').set('Authorization', `Bearer ${viewer}`).send({ content: 'x' }))
        .status,
    ).toBe(403);
  });

  it('refuses SSO with 403 naming the plan when plans are enforced and the plan has no SSO', async () => {
    const plan = (features: ('sso' | 'analytics')[]) => ({
      requests_per_minute: 600,
      burst: 100,
      stored_memories: null,
      memories_per_month: null,
      searches_per_month: null,
      max_batch: 50,
      features,
      slo: { availability: 0.99, search_p95_ms: 800 },
    });
    const catalog = {
      default: 'free',
      upgrade_url: 'https://engram.example/pricing',
      catalog: { free: plan([]), pro: plan(['sso', 'analytics']) },
    };
    const planned = await startCloud({
      oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url },
      plans: catalog,
    });
    try {
      const p = await planned.project('sso-plan');
      const bearer = await new SignJWT({
        'https://engram.dev/org_id': p.org.id,
        'https://engram.dev/project_id': p.project.id,
        'https://engram.dev/role': 'developer',
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('auth0|carol')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(signingKey);
      const refused = await planned.api.get('/v1/memory').set('Authorization', `Bearer ${bearer}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        code: 'forbidden',
        feature: 'sso',
        plan: 'free',
        upgrade_url: catalog.upgrade_url,
      });
      // Keys keep working on any plan; SSO works once the organisation is on a plan with it.
      expect((await planned.api.get('/v1/memory').set('X-API-Key', p.read.key)).status).toBe(200);
      const store = planned.tenancy.store();
      await store.setPlan(p.org.id, 'pro');
      new PlanBook(store, catalog).forget();
      expect((await planned.api.get('/v1/memory').set('Authorization', `Bearer ${bearer}`)).status).toBe(200);
    } finally {
      await planned.close();
    }
  });

  it('lets a membership record decide the role over the token claim', async () => {
    await cloud
      .admin('put', `/v1/admin/orgs/${org.id}/members`)
      .send({ user_id: 'auth0|bob', role: 'viewer' });
    const bob = await token({ sub: 'auth0|bob', extra: { 'https://engram.dev/role': 'owner' } });
    expect((await call(bob)).status).toBe(200);
    expect(
      (await cloud.api.post('/v1/memory').set('Authorization', `Bearer ${bob}`).send({ content: 'x' }))
        .status,
    ).toBe(403);
  });

  it.each([
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['not yet valid', () => token({ nbf: Math.floor(Date.now() / 1000) + 3600 })],
    ['wrong audience', () => token({ aud: 'https://someone-else' })],
    ['wrong issuer', () => token({ iss: 'https://evil.example/' })],
    ['unknown kid', () => token({ key: otherKey, kid: 'k2' })],
    ['signed by another key under a known kid', () => token({ key: otherKey, kid: 'k1' })],
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
    ],
    [
      'tampered payload',
      async () => {
        const [h, , s] = (await token()).split('.');
        return `${h}.${b64({ ...claims({ 'https://engram.dev/role': 'owner' }), sub: 'auth0|alice', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.${s}`;
      },
    ],
    [
      'HS256 signed with the public key (algorithm confusion)',
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setSubject('auth0|alice')
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(publicPem)),
    ],
    [
      'a project of another organisation',
      () => token({ extra: { 'https://engram.dev/org_id': 'org_someone_else' } }),
    ],
    ['no role', () => token({ extra: { 'https://engram.dev/role': 'superuser' } })],
  ])('refuses a token that is %s', async (_name, make) => {
    const res = await call(await make());
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
  });
});
