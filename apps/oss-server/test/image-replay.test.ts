import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { tempDir, waitFor } from './helpers';

const ROOT = path.join(__dirname, '../../..');
const KEY = 'egm_image_key_0123456789';
// The image's runtime user is `node` (uid 1000 in node's images); here any unprivileged uid will
// do. Only root can switch to it: elsewhere the test runs as the current (unprivileged) user.
const UNPRIVILEGED = process.getuid?.() === 0 ? 65534 : undefined;

/**
 * docker/Dockerfile cannot be built here (no base images), so this replays its steps: the same
 * script (docker/build-app.sh) deploys the production app, the data directory is created and
 * owned by the runtime user as the Dockerfile does, and the server starts as that user on it.
 * The GitHub workflow's `image` job builds and starts the real image.
 */
describe('the image, replayed without Docker', () => {
  const work = tempDir();
  const app = path.join(work, 'app');
  const data = path.join(work, 'data');
  let server: ChildProcess | undefined;
  let stderr = '';

  beforeAll(() => {
    chmodSync(work, 0o755); // mkdtemp makes it private; the runtime user must reach the app
    const build = spawnSync('sh', [path.join(ROOT, 'docker/build-app.sh'), 'oss-server', app], {
      cwd: ROOT,
      env: { ...process.env, ALREADY_BUILT: '1' },
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build-app.sh failed:\n${build.stdout}\n${build.stderr}`);
    process.stdout.write(`image replay: ${build.stdout.trim().split('\n').pop()}\n`);
    // The Dockerfile: RUN mkdir -p /data && chown node:node /data
    mkdirSync(data);
    if (UNPRIVILEGED !== undefined) chownSync(data, UNPRIVILEGED, UNPRIVILEGED);
  }, 180_000);
  afterAll(() => server?.kill('SIGKILL'));

  it('leaves the ONNX runtimes out unless asked for', () => {
    const packages = readdirSync(path.join(app, 'node_modules/.pnpm'));
    expect(packages.filter((p) => /onnxruntime|@huggingface\+transformers/.test(p))).toEqual([]);
    expect(existsSync(path.join(app, 'config/opensource.yaml'))).toBe(true);
  });

  it('starts as the unprivileged user on a fresh data directory, takes an add and finds it', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        ENGRAM_DATA_DIR: data,
        PORT: String(port),
        HOST: '127.0.0.1',
        ENGRAM_API_KEYS: KEY,
        ENGRAM_TELEMETRY: 'off',
      },
      ...(UNPRIVILEGED !== undefined && { uid: UNPRIVILEGED, gid: UNPRIVILEGED }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(async () => (await fetch(`${base}/ready`).catch(() => null))?.ok, 60_000).catch(() => {
      throw new Error(`the server did not become ready:\n${stderr}`);
    });
    const headers = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };
    const added = await fetch(`${base}/v1/memory`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: 'the replayed image starts', user_id: 'img' }),
    });
    expect(added.status).toBe(201);
    const found = (await (
      await fetch(`${base}/v1/memory/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: 'does the image start?', user_id: 'img' }),
      })
    ).json()) as { results: { memory: { content: string } }[] };
    expect(found.results[0]?.memory.content).toBe('the replayed image starts');
    // What it wrote belongs to the runtime user.
    if (UNPRIVILEGED !== undefined) {
      for (const file of readdirSync(data)) expect(statSync(path.join(data, file)).uid).toBe(UNPRIVILEGED);
    }
  }, 90_000);

  it('names the build argument when the transformers embedder was left out', () => {
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        ENGRAM_DATA_DIR: tempDir(),
        PORT: '0',
        ENGRAM_EMBEDDER: 'transformers',
        ENGRAM_API_KEYS: KEY,
        ENGRAM_TELEMETRY: 'off',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/WITH_TRANSFORMERS=true/);
  });

  it('documents the build in docker/', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/sh docker\/build-app\.sh "\$\{APP\}" \/out "\$\{WITH_TRANSFORMERS\}"/);
    expect(dockerfile).toMatch(/mkdir -p \/data && chown node:node \/data/);
    expect(existsSync(path.join(ROOT, 'docker/README.md'))).toBe(true);
  });
});
