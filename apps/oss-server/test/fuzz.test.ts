import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { API_KEY, spawnServer, tempDir, waitFor } from './helpers';

const SCHEMATHESIS = path.join(
  process.env.ENGRAM_CACHE ?? path.join(homedir(), '.cache', 'engram'),
  'schemathesis-4.32.5',
  'bin',
  'schemathesis',
);
/** Seconds of fuzzing: bounded so the whole suite stays within its CI budget. */
const FUZZ_SECONDS = Number(process.env.ENGRAM_TEST_FUZZ_SECONDS ?? 60);
/**
 * A fixed seed makes a run reproducible: what CI finds, `st replay` or the same seed finds again.
 * Set ENGRAM_TEST_FUZZ_SEED to another number to explore further (a finding becomes a test).
 */
const FUZZ_SEED = process.env.ENGRAM_TEST_FUZZ_SEED ?? '20261127';

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // In a scratch directory: schemathesis keeps a cache (.schemathesis/) where it runs.
    const child = spawn(cmd, args, { env, cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * schemathesis (installed by scripts/install-schemathesis.sh) generates requests from
 * /openapi.json, valid and invalid, against a real server process. The pass mark: no 5xx, and
 * every status and content type is one the document declares. Webhook targets stay refused
 * on private and loopback addresses, and the machine has no route out, so nothing it registers
 * is reachable.
 */
describe('fuzzing the API from its OpenAPI document', () => {
  let server: ChildProcess;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    server = spawnServer(port);
    await waitFor(async () => (await fetch(`${base}/ready`).catch(() => null))?.ok, 30_000);
  });
  afterAll(() => server?.kill('SIGKILL'));

  it(
    'answers every generated request with a declared status and no 5xx',
    async () => {
      expect(existsSync(SCHEMATHESIS)).toBe(true);
      const { code, output } = await run(
        SCHEMATHESIS,
        [
          'run',
          `${base}/openapi.json`,
          '--header',
          `Authorization: Bearer ${API_KEY}`,
          '--checks',
          'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
          '--max-time',
          String(FUZZ_SECONDS),
          '--seed',
          FUZZ_SEED,
          // One worker: with more, hypothesis parses lambda sources on several threads at once,
          // which CPython 3.11's ast module does not survive ("AST constructor recursion depth mismatch").
          '--workers',
          '1',
          '--request-timeout',
          '20',
          '--no-color',
        ],
        { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
      );
      const summary = /(\d+) generated, (.*)/.exec(output);
      // The figures go to the test log for the record: how many cases ran and how they ended.
      process.stdout.write(`schemathesis: ${summary?.[0] ?? 'no summary'}\n`);
      if (code !== 0) throw new Error(`schemathesis found failures:\n${output.slice(-8000)}`);
      expect(Number(summary?.[1])).toBeGreaterThan(100);
    },
    (FUZZ_SECONDS + 120) * 1000,
  );
});
