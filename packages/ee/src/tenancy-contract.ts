import { newId, nowIso } from '@engram/core';
import type { ApiKeyRecord, TenancyStore } from './tenancy-store';

/**
 * The tenancy contract, run unchanged over every implementation (and usable by anyone writing
 * another): what the admin API and the authenticators rely on.
 */
export function describeTenancyContract(name: string, open: () => Promise<TenancyStore>): void {
  describe(`tenancy store contract: ${name}`, () => {
    let store: TenancyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    const key = (projectId: string, prefix: string): ApiKeyRecord => ({
      id: newId('key'),
      project_id: projectId,
      name: 'ci',
      prefix,
      hash: 'ab'.repeat(32),
      scopes: ['read', 'write'],
      created_at: nowIso(),
      expires_at: null,
      revoked_at: null,
    });

    it('keeps organisations and projects, and knows nothing it was not given', async () => {
      const org = {
        id: newId('org'),
        name: 'acme',
        created_at: nowIso(),
        plan: null,
        stripe_customer_id: null,
      };
      await store.createOrg(org);
      const project = { id: newId('prj'), org_id: org.id, name: 'web', created_at: nowIso() };
      await store.createProject(project);
      expect(await store.getOrg(org.id)).toEqual(org);
      expect(await store.getProject(project.id)).toEqual(project);
      expect(await store.getOrg('org_missing')).toBeNull();
      expect(await store.getProject('prj_missing')).toBeNull();
      expect(await store.listProjects(org.id)).toEqual([project]);
      expect(await store.listProjects('org_other')).toEqual([]);
      expect((await store.listProjects(null)).map((p) => p.id)).toContain(project.id);
      expect(await store.setPlan(org.id, 'pro')).toBe(true);
      expect((await store.getOrg(org.id))?.plan).toBe('pro');
      expect(await store.setPlan('org_missing', 'pro')).toBe(false);
      expect(await store.setStripeCustomer(org.id, 'cus_1')).toBe(true);
      expect((await store.getOrg(org.id))?.stripe_customer_id).toBe('cus_1');
    });

    it('remembers which payment events were handled', async () => {
      expect(await store.seenEvent('evt_1')).toBe(false);
      await store.markEvent('evt_1', nowIso());
      await store.markEvent('evt_1', nowIso()); // marking again is harmless
      expect(await store.seenEvent('evt_1')).toBe(true);
      expect(await store.seenEvent('evt_2')).toBe(false);
    });

    it('records usage once per id and sums it per day and metric', async () => {
      const at = (day: string) => `${day}T12:00:00.000Z`;
      await store.recordUsage([
        { id: 'u1', project_id: 'p1', metric: 'searches', quantity: 1, at: at('2026-11-01') },
        { id: 'u2', project_id: 'p1', metric: 'searches', quantity: 1, at: at('2026-11-01') },
        { id: 'u3', project_id: 'p1', metric: 'memories_added', quantity: 1, at: at('2026-11-02') },
        { id: 'u4', project_id: 'p2', metric: 'searches', quantity: 1, at: at('2026-11-01') },
      ]);
      // A retry of the same events, with one new one: only the new one counts.
      await store.recordUsage([
        { id: 'u1', project_id: 'p1', metric: 'searches', quantity: 1, at: at('2026-11-01') },
        { id: 'u5', project_id: 'p1', metric: 'batch_items', quantity: 50, at: at('2026-11-02') },
      ]);
      expect(await store.usageByDay('p1', '2026-11-01T00:00:00.000Z', '2026-11-03T00:00:00.000Z')).toEqual([
        { day: '2026-11-01', metric: 'searches', quantity: 2 },
        { day: '2026-11-02', metric: 'batch_items', quantity: 50 },
        { day: '2026-11-02', metric: 'memories_added', quantity: 1 },
      ]);
      expect(
        await store.usageByDay('p1', '2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z'),
      ).toHaveLength(2);
    });

    it('sets a member once per organisation and user, the last role winning', async () => {
      const org = { id: newId('org'), name: 'acme', created_at: nowIso() };
      await store.createOrg(org);
      await store.setMember({ org_id: org.id, user_id: 'u2', role: 'viewer' });
      await store.setMember({ org_id: org.id, user_id: 'u1', role: 'developer' });
      await store.setMember({ org_id: org.id, user_id: 'u2', role: 'admin' });
      expect(await store.listMembers(org.id)).toEqual([
        { org_id: org.id, user_id: 'u1', role: 'developer' },
        { org_id: org.id, user_id: 'u2', role: 'admin' },
      ]);
      expect(await store.listMembers('org_other')).toEqual([]);
    });

    it('finds keys by prefix, lists them per project, and revokes only its own project’s', async () => {
      const org = { id: newId('org'), name: 'acme', created_at: nowIso() };
      await store.createOrg(org);
      const [a, b] = [newId('prj'), newId('prj')];
      for (const id of [a, b])
        await store.createProject({ id, org_id: org.id, name: id, created_at: nowIso() });
      const ka = key(a, `egk_${a.slice(-8)}`);
      const kb = key(b, `egk_${b.slice(-8)}`);
      await store.createKey(ka);
      await store.createKey(kb);
      expect(await store.findKeyByPrefix(ka.prefix)).toEqual(ka);
      expect(await store.findKeyByPrefix('egk_nothere')).toBeNull();
      expect(await store.listKeys(a)).toEqual([ka]);
      // Prefixes are unique. (Checked as "rejected", not `toThrow`: a driver's error class may
      // come from another realm than the test's Error.)
      const duplicate = await store.createKey(key(a, ka.prefix)).then(
        () => 'stored',
        () => 'refused',
      );
      expect(duplicate).toBe('refused');
      expect(await store.revokeKey(a, kb.id, nowIso())).toBe(false); // another project's key
      expect(await store.revokeKey(a, ka.id, '2030-01-01T00:00:00.000Z')).toBe(true);
      expect(await store.revokeKey(a, ka.id, nowIso())).toBe(false); // already revoked
      expect((await store.findKeyByPrefix(ka.prefix))?.revoked_at).toBe('2030-01-01T00:00:00.000Z');
      expect((await store.findKeyByPrefix(kb.prefix))?.revoked_at).toBeNull();
    });
  });
}
