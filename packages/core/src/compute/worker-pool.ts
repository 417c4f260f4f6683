import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngramError } from '../errors';

/**
 * How a worker thread builds its own copy of a provider: `require(module)[factory](options)`.
 * `module` is an absolute path to compiled JavaScript (workers run plain Node, not the test
 * transform), see `compiledModule`.
 */
export interface WorkerTaskSpec {
  module: string;
  factory: string;
  options?: unknown;
}

/** Where a worker finds compiled code: a source file under jest maps to its build output. */
export function compiledModule(file: string): string {
  if (!file.endsWith('.ts')) return file;
  const at = Math.max(file.lastIndexOf('/src/'), file.lastIndexOf('\\src\\'));
  return `${file.slice(0, at + 1)}dist${file.slice(at + 4, -3)}.js`;
}

// The worker's whole program: build the provider once and say so, then run the calls it is sent
// one at a time, in the order they came (a call sent while another runs waits for it, even an
// async one). A provider that fails to build fails each call with its error.
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const built = Promise.resolve().then(() => require(workerData.module)[workerData.factory](workerData.options));
built.then(() => parentPort.postMessage({ ready: true }), () => parentPort.postMessage({ ready: true }));
let previous = Promise.resolve();
parentPort.on('message', ({ id, method, args }) => {
  previous = previous.then(async () => {
    try {
      const target = await built;
      parentPort.postMessage({ id, result: await target[method](...args) });
    } catch (err) {
      parentPort.postMessage({ id, error: { message: String(err && err.message || err), code: err && err.code } });
    }
  });
});
`;

interface Call {
  id: number;
  method: string;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** Calls sent to this worker and not answered, in the order it runs them: the first is running. */
  sent: Call[];
  /** The worker has built its provider; until then no call runs, so none is timed. */
  ready: boolean;
}

export interface WorkerPoolOptions {
  /** Worker threads; 0 or absent: one per core, leaving the HTTP thread its own. */
  threads?: number;
  /** A call running longer is cut: its worker is replaced and the call fails with `time_budget_exceeded`. */
  callTimeoutMs?: number;
  /**
   * Calls sent ahead to each worker (default 32). A worker that has its next calls already runs
   * them back to back; with one at a time it would sit idle whenever the calling thread is busy
   * and cannot hand it the next. Calls still run in arrival order either way.
   */
  depth?: number;
}

/** Worker threads for one pool: what `threads: 0` resolves to on this machine. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Runs CPU-heavy calls (entity extraction, large embeddings) on worker threads so the HTTP
 * thread stays responsive: each worker runs one call at a time, in arrival order, with the next
 * few already sent to it. A worker that dies or overruns its time budget is replaced; the call
 * it was running fails, the calls sent after it are sent again, the rest go on.
 */
export class WorkerPool {
  readonly threads: number;
  private readonly depth: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Call[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly spec: WorkerTaskSpec,
    private readonly options: WorkerPoolOptions = {},
  ) {
    this.threads = options.threads || defaultThreads();
    this.depth = Math.max(1, options.depth ?? 32);
    for (let i = 0; i < this.threads; i++) this.slots.push(this.spawn());
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.closed)
      return Promise.reject(new EngramError('dependency_unavailable', 'the worker pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, method, args, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Calls not yet running: queued here, or sent ahead to a worker busy with another. */
  get waiting(): number {
    return this.queue.length + this.slots.reduce((n, slot) => n + Math.max(0, slot.sent.length - 1), 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.queue.splice(0), ...this.slots.flatMap((slot) => slot.sent.splice(0))];
    for (const call of pending) {
      clearTimeout(call.timer);
      call.reject(new EngramError('dependency_unavailable', 'the worker pool closed'));
    }
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: this.spec });
    const slot: Slot = { worker, sent: [], ready: false };
    worker.on(
      'message',
      (msg: { id: number; ready?: true; result?: unknown; error?: { message: string; code?: string } }) => {
        if (msg.ready) {
          slot.ready = true;
          this.timeHead(slot);
          return;
        }
        const call = slot.sent[0];
        if (!call || call.id !== msg.id) return;
        slot.sent.shift();
        if (slot.sent.length === 0) worker.unref();
        clearTimeout(call.timer);
        this.timeHead(slot);
        if (msg.error) {
          const err = new Error(msg.error.message) as Error & { code?: string };
          err.code = msg.error.code;
          call.reject(err);
        } else call.resolve(msg.result);
        this.dispatch();
      },
    );
    worker.on('error', (err) => this.replace(slot, err));
    worker.on('exit', (code) => this.replace(slot, new Error(`worker exited with code ${code}`)));
    // Idle workers never keep the process alive (a pool nobody closed would): a worker is
    // ref'd only while it holds calls. Set after the listeners, as adding one refs it again.
    worker.unref();
    return slot;
  }

  /**
   * Ends a worker and starts another in its place: the call it was running fails with `reason`;
   * the calls sent after it never started, so they go back to the front of the queue.
   */
  private replace(slot: Slot, reason: Error): void {
    const index = this.slots.indexOf(slot);
    if (this.closed || index < 0) return;
    this.slots[index] = this.spawn();
    void slot.worker.terminate();
    const [running, ...unstarted] = slot.sent.splice(0);
    for (const call of unstarted) clearTimeout(call.timer);
    this.queue.unshift(...unstarted);
    if (running) {
      clearTimeout(running.timer);
      running.reject(reason);
    }
    this.dispatch();
  }

  /**
   * Starts the running call's clock: the first call a worker holds is the one it runs, once the
   * worker is ready (a replacement's start-up, loading its module, is not the call's time).
   */
  private timeHead(slot: Slot): void {
    const budget = this.options.callTimeoutMs;
    const call = slot.sent[0];
    if (!budget || !call || call.timer || !slot.ready) return;
    call.timer = setTimeout(() => {
      // The only way to stop synchronous work in a thread is to end the thread.
      this.replace(
        slot,
        new EngramError('time_budget_exceeded', `${call.method} ran longer than its budget of ${budget} ms`, {
          limit_ms: budget,
        }),
      );
    }, budget);
    call.timer.unref();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      // The worker with the fewest calls in hand takes the next one.
      const slot = this.slots.reduce((a, b) => (b.sent.length < a.sent.length ? b : a));
      if (slot.sent.length >= this.depth) return;
      const call = this.queue.shift()!;
      slot.sent.push(call);
      slot.worker.ref(); // a caller awaits it: the process must not exit meanwhile
      this.timeHead(slot);
      slot.worker.postMessage({ id: call.id, method: call.method, args: call.args });
    }
  }
}
