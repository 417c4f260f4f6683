import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createCloudServer } from '../src/server';

describe('cloud server', () => {
  it('composes the OSS API with ee tenancy: cloud limits, admin key made once, project keys work', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engram-cloud-'));
    const env = { ENGRAM_DATA_DIR: dir, ENGRAM_TELEMETRY: 'off', ENGRAM_EMBEDDER_THREADS: '1' };
    const cloud = await createCloudServer(env, { logger: pino({ level: 'silent' }) });
    try {
      const admin = cloud.generatedAdminKey!;
      expect(admin).toMatch(/^egm_/);
      expect(readFileSync(path.join(dir, 'admin-key.json'), 'utf8')).not.toContain(admin);
      expect(cloud.engram.config.batch_processing.max_batch_size).toBe(10_000);
      const api = request(cloud.app);
      const as = (key: string) => ({ Authorization: `Bearer ${key}` });
      const org = (await api.post('/v1/admin/orgs').set(as(admin)).send({ name: 'acme' })).body;
      const project = (
        await api.post(`/v1/admin/orgs/${org.id}/projects`).set(as(admin)).send({ name: 'prod' })
      ).body;
      const key = (
        await api
          .post(`/v1/admin/projects/${project.id}/keys`)
          .set(as(admin))
          .send({ name: 'app', scopes: ['write'] })
      ).body.key;
      const added = await api.post('/v1/memory').set(as(key)).send({ content: 'cloud memory' });
      expect(added.status).toBe(201);
      expect(added.body.tenant_id).toBe(project.id);
      expect((await api.get('/openapi.json')).body.paths['/v1/memory/search']).toBeDefined();
      const paths = Object.keys((await api.get('/openapi.json')).body.paths);
      // The admin API sits in the same route table: documented, and authorized on the generic path.
      expect(paths).toEqual(expect.arrayContaining(['/v1/admin/orgs', '/v1/admin/projects/{project}/keys']));
    } finally {
      await cloud.close();
    }
    const again = await createCloudServer(env, { logger: pino({ level: 'silent' }) });
    expect(again.generatedAdminKey).toBeNull();
    await again.close();
  });
});
