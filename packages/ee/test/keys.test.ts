import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startCloud } from './harness';

describe('project API keys', () => {
  let cloud: Awaited<ReturnType<typeof startCloud>>;
  beforeAll(async () => {
    cloud = await startCloud();
  });
  afterAll(() => cloud.close());

  it('are shown once, stored only as a hash, listed by prefix', async () => {
    const { project, write } = await cloud.project('acme');
    expect(write.key).toMatch(/^egk_[A-Za-z0-9]{8}_/);
    expect(write.key.startsWith(write.prefix)).toBe(true);
    expect(write.hash).toBeUndefined();
    const listed = await cloud.admin('get', `/v1/admin/projects/${project.id}/keys`);
    expect(JSON.stringify(listed.body)).not.toContain(write.key);
    expect(listed.body.data.map((k: { prefix: string }) => k.prefix)).toContain(write.prefix);
    // What is at rest, database and write-ahead log alike, never holds the secret part of a key.
    const raw = ['tenancy.db', 'tenancy.db-wal']
      .map((f) => readFileSync(path.join(cloud.dir, f)).toString('latin1'))
      .join('');
    expect(raw).not.toContain(write.key.slice(13));
  });

  it('scope the caller to its project', async () => {
    const a = await cloud.project('alpha');
    const res = await cloud.api
      .post('/v1/memory')
      .set('Authorization', `Bearer ${a.write.key}`)
      .send({ content: 'alpha secret' });
    expect(res.status).toBe(201);
    expect(res.body.tenant_id).toBe(a.project.id);
  });

  it('stop working on the very next request once revoked', async () => {
    const { project, write } = await cloud.project('revoke');
    const use = () => cloud.api.get('/v1/memory').set('X-API-Key', write.key);
    expect((await use()).status).toBe(200);
    const revoked = await cloud.admin('delete', `/v1/admin/projects/${project.id}/keys/${write.id}`);
    expect(revoked.body).toEqual({ id: write.id, revoked: true });
    expect((await use()).status).toBe(401);
    expect((await cloud.admin('delete', `/v1/admin/projects/${project.id}/keys/${write.id}`)).status).toBe(
      404,
    );
  });

  it('stop working once expired, and a tampered key never works', async () => {
    const p = await cloud.project('expiry');
    const soon = await p.key(['read'], { expires_at: new Date(Date.now() + 1500).toISOString() });
    const use = (key: string) => cloud.api.get('/v1/memory').set('Authorization', `Bearer ${key}`);
    expect((await use(soon.key)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await use(soon.key)).status).toBe(401);
    const flipped = `${p.read.key.slice(0, -1)}${p.read.key.endsWith('A') ? 'B' : 'A'}`;
    expect((await use(flipped)).status).toBe(401);
  });

  it('are never issued already expired', async () => {
    const p = await cloud.project('expired-issue');
    const res = await cloud
      .admin('post', `/v1/admin/projects/${p.project.id}/keys`)
      .send({ name: 'late', scopes: ['read'], expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('expires_at');
  });

  it('let only the platform admin create organisations, and only project admins manage their keys', async () => {
    const a = await cloud.project('mgmt-a');
    const b = await cloud.project('mgmt-b');
    expect(
      (await cloud.api.post('/v1/admin/orgs').set('X-API-Key', a.adminKey.key).send({ name: 'x' })).status,
    ).toBe(403);
    const own = await cloud.api
      .post(`/v1/admin/projects/${a.project.id}/keys`)
      .set('X-API-Key', a.adminKey.key)
      .send({ name: 'ci', scopes: ['read'] });
    expect(own.status).toBe(201);
    const other = await cloud.api
      .post(`/v1/admin/projects/${b.project.id}/keys`)
      .set('X-API-Key', a.adminKey.key)
      .send({ name: 'ci', scopes: ['admin'] });
    // Another tenant's project looks exactly like a missing one: no existence oracle.
    const missing = await cloud.api
      .post('/v1/admin/projects/prj_missing/keys')
      .set('X-API-Key', a.adminKey.key)
      .send({ name: 'ci', scopes: ['admin'] });
    expect([other.status, missing.status]).toEqual([404, 404]);
    expect(other.body.code).toBe(missing.body.code);
    expect(
      (await cloud.api.get(`/v1/admin/projects/${a.project.id}/keys`).set('X-API-Key', a.write.key)).status,
    ).toBe(403);
    expect((await cloud.admin('get', '/v1/memory')).status).toBe(403); // the platform key reads no tenant's data
  });
});
