import { execFile, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { OssServer } from '../src/server';
import { API_KEY, startServer, tempDir, testEnv } from './helpers';

// Installed by scripts/install-openapi-python-client.sh (from scripts/services.sh).
const VENV = path.join(
  process.env.ENGRAM_CACHE ?? path.join(homedir(), '.cache/engram'),
  'openapi-python-client-0.29.1',
);
const CHECK = path.join(__dirname, 'fixtures/python-client-check.py');

/** Not spawnSync: the server answering the script runs in this process and must keep serving. */
function runAsync(file: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A Python client generated from the served /openapi.json with openapi-python-client (the
 * generator's own checks: its models and endpoints come out with no warning), then used against
 * the running server: add, a deduplicated add, search, get, list, and typed problems.
 */
describe('a Python client generated from the OpenAPI document', () => {
  let engram: OssServer;
  let url: string;
  const dir = tempDir();
  beforeAll(async () => {
    engram = await startServer(testEnv({ HOST: '127.0.0.1' }));
    const server = await engram.listen(0);
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => engram.close());

  it('generates without warnings and works against the server', async () => {
    expect(existsSync(path.join(VENV, '.installed'))).toBe(true);
    writeFileSync(path.join(dir, 'openapi.json'), await (await fetch(`${url}/openapi.json`)).text());
    const env = { ...process.env, PATH: `${path.join(VENV, 'bin')}:${process.env.PATH}` };
    const generate = spawnSync(
      path.join(VENV, 'bin/openapi-python-client'),
      ['generate', '--path', 'openapi.json', '--output-path', 'engram_client', '--meta', 'none'],
      { cwd: dir, env, encoding: 'utf8' },
    );
    expect(generate.status).toBe(0);
    expect(generate.stdout + generate.stderr).not.toMatch(/warning/i);

    const run = await runAsync(path.join(VENV, 'bin/python'), [CHECK, dir, url, API_KEY], env);
    if (run.code !== 0) throw new Error(run.stderr);
    const seen = JSON.parse(run.stdout);
    expect(seen).toMatchObject({
      added_version: 1,
      again_status: 200,
      again_id: seen.added_id,
      again_deduplicated: true,
      first_result: seen.added_id,
      fetched_content: 'Kai grows tomatoes on the balcony',
      listed: [seen.added_id],
      missing: ['Problem', 'not_found', 404],
      unauthorized: ['Problem', 'unauthorized'],
    });
    expect(seen.search_id).toMatch(/\S/);
  }, 120_000);
});
