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

// The worker's whole program: build the provider once, then answer method calls in order.
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const built = Promise.resolve().then(() => require(workerData.module)[workerData.factory](workerData.options));
parentPort.on('message', async ({ id, method, args }) => {
  try {
    const target = await built;
    parentPort.postMessage({ id, result: await target[method](...args) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message || err), code: err && err.code } });
  }
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
  busy: Call | null;
}

export interface WorkerPoolOptions {
  /** Worker threads; 0 or absent: one per core, leaving the HTTP thread its own. */
  threads?: number;
  /** A call running longer is cut: its worker is replaced and the call fails with `time_budget_exceeded`. */
  callTimeoutMs?: number;
}

/** Worker threads for one pool: what `threads: 0` resolves to on this machine. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Runs CPU-heavy calls (entity extraction, large embeddings) on worker threads so the HTTP
 * thread stays responsive: one call per worker at a time, queued in arrival order. A worker
 * that dies or overruns its time budget is replaced; the calls it held fail, the rest go on.
 */
export class WorkerPool {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Call[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly spec: WorkerTaskSpec,
    private readonly options: WorkerPoolOptions = {},
  ) {
    this.threads = options.threads || defaultThreads();
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

  /** Calls waiting for a free worker (a gauge for /metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.queue.splice(0))
      call.reject(new EngramError('dependency_unavailable', 'the worker pool closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: this.spec });
    const slot: Slot = { worker, busy: null };
    worker.unref();
    worker.on(
      'message',
      (msg: { id: number; result?: unknown; error?: { message: string; code?: string } }) => {
        const call = slot.busy;
        if (!call || call.id !== msg.id) return;
        this.finish(slot);
        if (msg.error) {
          const err = new Error(msg.error.message) as Error & { code?: string };
          err.code = msg.error.code;
          call.reject(err);
        } else call.resolve(msg.result);
      },
    );
    const replace = (reason: Error) => {
      const call = slot.busy;
      slot.busy = null;
      if (call) {
        clearTimeout(call.timer);
        call.reject(reason);
      }
      if (this.closed) return;
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.dispatch();
    };
    worker.on('error', (err) => replace(err));
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) replace(new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.busy?.timer);
    slot.busy = null;
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const call = this.queue.shift();
      if (!call) return;
      slot.busy = call;
      const budget = this.options.callTimeoutMs;
      if (budget) {
        call.timer = setTimeout(() => {
          // The only way to stop synchronous work in a thread is to end the thread.
          const index = this.slots.indexOf(slot);
          slot.busy = null;
          call.reject(
            new EngramError(
              'time_budget_exceeded',
              `${call.method} ran longer than its budget of ${budget} ms`,
              {
                limit_ms: budget,
              },
            ),
          );
          if (index >= 0) {
            this.slots[index] = this.spawn();
            void slot.worker.terminate();
          }
          this.dispatch();
        }, budget);
        call.timer.unref();
      }
      slot.worker.postMessage({ id: call.id, method: call.method, args: call.args });
    }
  }
}
