import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The open-source server never loads Temporal: it starts, takes a batch (the background queue),
 * and the modules its process loaded include nothing of @temporalio, in a fresh Node process
 * (jest's own module registry would hide what Node loads).
 */
describe('the open-source server and Temporal', () => {
  it('loads no Temporal code, even with TEMPORAL_ADDRESS set', () => {
    const script = `
      const { createOssServer } = require(${JSON.stringify(path.resolve(__dirname, '../dist/server.js'))});
      (async () => {
        const server = await createOssServer({
          ENGRAM_DATA_DIR: ${JSON.stringify(mkdtempSync(path.join(tmpdir(), 'engram-no-temporal-')))},
          ENGRAM_API_KEYS: 'egm_no_temporal_test_key_0123456789',
          ENGRAM_TELEMETRY: 'off',
          LOG_LEVEL: 'error',
          TEMPORAL_ADDRESS: '127.0.0.1:7233',
        });
        const http = await server.listen(0);
        const base = 'http://127.0.0.1:' + http.address().port;
        const res = await fetch(base + '/v1/memory/batch', {
          method: 'POST',
          headers: { authorization: 'Bearer egm_no_temporal_test_key_0123456789', 'content-type': 'application/json' },
          body: JSON.stringify({ memories: [{ content: 'a batch without Temporal' }] }),
        });
        await server.engram.ports.jobQueue.idle();
        const loaded = Object.keys(require.cache).filter((p) => p.includes('@temporalio'));
        process.stdout.write(JSON.stringify({ status: res.status, modules: Object.keys(require.cache).length, loaded }));
        await server.close();
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(out.status).toBe(202);
    expect(out.modules).toBeGreaterThan(100); // the check sees the server's modules
    expect(out.loaded).toEqual([]);
  });
});
