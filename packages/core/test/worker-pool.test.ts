import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compiledModule, EngramError, WorkerEntityExtractor, WorkerPool } from '../src';

// A task module in plain JavaScript, as a worker loads it.
const dir = mkdtempSync(path.join(tmpdir(), 'engram-pool-'));
const taskFile = path.join(dir, 'task.js');
writeFileSync(
  taskFile,
  `exports.create = (options = {}) => ({
    echo: (x) => ({ x, prefix: options.prefix, thread: require('node:worker_threads').threadId }),
    spin: (ms) => { const end = Date.now() + ms; while (Date.now() < end); return end; },
    fail: () => { const e = new Error('nope'); e.code = 'E_NOPE'; throw e; },
    crash: () => process.exit(3),
  });
  exports.createSlowly = (options) => { const end = Date.now() + 600; while (Date.now() < end); return exports.create(options); };`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WorkerPool', () => {
  let pool: WorkerPool;
  afterEach(() => pool?.close());

  it('builds the provider in each worker and answers calls off the calling thread', async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'create', options: { prefix: 'p' } }, { threads: 2 });
    const answers = await Promise.all(
      [1, 2, 3, 4].map((x) => pool.call<{ x: number; prefix: string; thread: number }>('echo', x)),
    );
    expect(answers.map((a) => a.x)).toEqual([1, 2, 3, 4]);
    expect(answers.every((a) => a.prefix === 'p' && a.thread !== 0)).toBe(true);
  });

  it('keeps the calling thread free while a worker computes', async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'create' }, { threads: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await pool.call('spin', 300);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });

  it('runs the calls sent ahead while the calling thread is busy', async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'create' }, { threads: 1, depth: 8 });
    await pool.call('echo', 0); // the worker is up
    const calls = Array.from({ length: 8 }, () => pool.call<number>('spin', 10));
    expect(pool.waiting).toBe(7); // one runs, seven were sent ahead
    const busyUntil = Date.now() + 300; // this thread cannot hand the worker anything meanwhile
    while (Date.now() < busyUntil);
    const ends = await Promise.all(calls);
    expect(ends.filter((end) => end <= busyUntil).length).toBeGreaterThanOrEqual(6);
    // In order, one at a time.
    expect([...ends].sort((a, b) => a - b)).toEqual(ends);
  });

  it('passes errors back with their code', async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'create' }, { threads: 1 });
    await expect(pool.call('fail')).rejects.toMatchObject({ message: 'nope', code: 'E_NOPE' });
    expect(await pool.call('echo', 5)).toMatchObject({ x: 5 });
  });

  it('cuts a call that overruns its budget and replaces the worker', async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'create' }, { threads: 1, callTimeoutMs: 500 });
    const error = await pool.call('spin', 60_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngramError);
    expect((error as EngramError).code).toBe('time_budget_exceeded');
    expect(await pool.call('echo', 6)).toMatchObject({ x: 6 });
    // A call sent to the worker behind one that overruns runs on its replacement, on its own
    // clock, which starts once the replacement is up (its start-up is not the call's time).
    const [cut, behind] = await Promise.allSettled([pool.call('spin', 60_000), pool.call('spin', 300)]);
    expect(cut).toMatchObject({ status: 'rejected', reason: { code: 'time_budget_exceeded' } });
    expect(behind.status).toBe('fulfilled');
  });

  it("does not count a worker's start-up against its first call's budget", async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'createSlowly' }, { threads: 1, callTimeoutMs: 300 });
    expect(await pool.call('echo', 8)).toMatchObject({ x: 8 });
  });

  it('replaces a worker that dies; the call it held fails, queued calls still run', async () => {
    pool = new WorkerPool({ module: taskFile, factory: 'create' }, { threads: 1 });
    const [crashed, after] = await Promise.allSettled([pool.call('crash'), pool.call('echo', 7)]);
    expect(crashed.status).toBe('rejected');
    expect(after).toMatchObject({ status: 'fulfilled', value: { x: 7 } });
  });

  it('keeps its process alive while a call is out, and not once it is idle (even if never closed)', () => {
    // A process that awaits one call and never closes its pool must print the answer, then exit.
    const program = `
      const { WorkerPool } = require(${JSON.stringify(compiledModule(require.resolve('../src')))});
      const pool = new WorkerPool({ module: ${JSON.stringify(taskFile)}, factory: 'create' }, { threads: 1 });
      pool.call('spin', 300).then(() => console.log('answered'));`;
    const run = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stdout.trim()).toBe('answered');
    expect(run.status).toBe(0); // not killed by the timeout: it exited by itself
  });

  it('maps a source path under jest to its build output', () => {
    expect(compiledModule('/r/src/x/packages/core/src/ai/a.ts')).toBe('/r/src/x/packages/core/dist/ai/a.js');
    expect(compiledModule('/r/packages/core/dist/ai/a.js')).toBe('/r/packages/core/dist/ai/a.js');
  });
});

describe('WorkerEntityExtractor', () => {
  it('extracts on worker threads what the in-thread extractor does', async () => {
    const extractor = new WorkerEntityExtractor({ threads: 1 });
    try {
      const entities = await extractor.extract('Caroline moved from Sweden to Boston');
      expect(entities.map((e) => e.name)).toEqual(expect.arrayContaining(['Caroline', 'Sweden', 'Boston']));
    } finally {
      await extractor.close();
    }
  });

  it('keeps no entities, rather than failing the add, when extraction overruns its budget', async () => {
    const extractor = new WorkerEntityExtractor({ threads: 1, callTimeoutMs: 50 });
    try {
      // ~400 ms of extraction on a warm worker here (its start-up is not counted against it).
      const text = 'Caroline met Melanie in Paris. '.repeat(4000);
      expect(await extractor.extract(text)).toEqual([]);
    } finally {
      await extractor.close();
    }
  });
});
