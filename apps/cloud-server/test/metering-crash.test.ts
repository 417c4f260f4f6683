import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callApi } from './http';

const MAIN = path.resolve(__dirname, '../dist/main.js');
const ADMIN = 'egm_platform_admin_key_for_metering_tests';

function start(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ENGRAM_DATA_DIR: dataDir,
      ENGRAM_ADMIN_KEY: ADMIN,
      ENGRAM_TELEMETRY: 'off',
      ENGRAM_JOB_LEASE_MS: '1500',
      // Generous limits: this test is about counting, not refusing.
      ENGRAM_PLANS__CATALOG__FREE__REQUESTS_PER_MINUTE: '100000',
      ENGRAM_PLANS__CATALOG__FREE__BURST: '100000',
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
}

const call = callApi;

const ready = async (base: string) => {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if ((await fetch(`${base}/ready`).catch(() => null))?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
};

/**
 * kill -9 the cloud server while adds and searches run, three times. Afterwards the meter holds
 * exactly one `memories_added` per memory stored (none lost, none doubled, whatever the kill
 * interrupted) and at least every acknowledged add and search; no more searches than were sent.
 */
describe('usage metering across kill -9', () => {
  it('counts every stored memory once and every acknowledged request', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'engram-metering-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    let proc = start(dataDir, port);
    try {
      await ready(base);
      const org = (await call(base, '/v1/admin/orgs', ADMIN, 'POST', { name: 'metered' })).body;
      const project = (await call(base, `/v1/admin/orgs/${org.id}/projects`, ADMIN, 'POST', { name: 'p' }))
        .body;
      const key = (
        await call(base, `/v1/admin/projects/${project.id}/keys`, ADMIN, 'POST', {
          name: 'k',
          scopes: ['write'],
        })
      ).body.key as string;
      let acknowledgedAdds = 0;
      let acknowledgedSearches = 0;
      let sentSearches = 0;
      for (let round = 0; round < 3; round++) {
        let alive = true;
        const adds = (async () => {
          for (let i = 0; alive; i++) {
            const res = await call(base, '/v1/memory', key, 'POST', {
              content: `round ${round} note ${i}`,
            }).catch(() => null);
            if (res?.status === 201) acknowledgedAdds++;
          }
        })();
        const searches = (async () => {
          while (alive) {
            sentSearches++;
            const res = await call(base, '/v1/memory/search', key, 'POST', { query: 'note' }).catch(
              () => null,
            );
            if (res?.status === 200) acknowledgedSearches++;
          }
        })();
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 800));
        proc.kill('SIGKILL');
        await new Promise((r) => proc.once('exit', r));
        alive = false;
        await Promise.all([adds, searches]);
        proc = start(dataDir, port);
        await ready(base);
      }
      // Recovery of the last writes runs in the background after start: wait until it settled.
      let usage: { totals: Record<string, number> } = { totals: {} };
      let stored = 0;
      const end = Date.now() + 20_000;
      do {
        await new Promise((r) => setTimeout(r, 300));
        usage = (await call(base, '/v1/usage', key)).body;
        stored = (await call(base, '/v1/memory?limit=1000', key)).body.data.length;
      } while (usage.totals.memories_added !== stored && Date.now() < end);
      expect(acknowledgedAdds).toBeGreaterThan(0);
      expect(usage.totals.memories_added).toBe(stored);
      expect(stored).toBeGreaterThanOrEqual(acknowledgedAdds);
      expect(usage.totals.searches).toBeGreaterThanOrEqual(acknowledgedSearches);
      expect(usage.totals.searches).toBeLessThanOrEqual(sentSearches);
      process.stdout.write(
        `metering: ${stored} memories stored (${acknowledgedAdds} acknowledged), metered ${usage.totals.memories_added}; ` +
          `searches ${acknowledgedSearches} acknowledged of ${sentSearches} sent, metered ${usage.totals.searches}\n`,
      );
    } finally {
      proc.kill('SIGKILL');
    }
  }, 180_000);
});
