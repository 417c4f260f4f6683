import type { JobQueue } from '../jobs/job-queue';

export interface JobQueueHarness {
  /** A fresh, started queue with nothing in it. */
  open(): Promise<JobQueue>;
  close(queue: JobQueue): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

async function untilAsync(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

/**
 * The JobQueue contract (batches, webhook deliveries and index repair depend on it): handlers
 * get payload and tenant, ids make enqueueing idempotent, failures are retried with backoff
 * until they succeed or run out of attempts, delays are honoured, and stop waits for running work.
 */
export function describeJobQueueContract(name: string, harness: JobQueueHarness): void {
  describe(`job queue contract: ${name}`, () => {
    let queue: JobQueue;
    afterEach(() => harness.close(queue));

    it('runs a job with its payload and tenant; the same id enqueued twice runs once', async () => {
      const runs: { payload: unknown; tenant: string; attempt: number }[] = [];
      queue = await harness.open();
      queue.register('echo', async (payload, job) => {
        runs.push({ payload, tenant: job.tenantId, attempt: job.attempt });
      });
      await queue.start();
      await queue.enqueue('echo', { n: 1 }, { tenantId: 't1', id: 'job-one' });
      await queue.enqueue('echo', { n: 1 }, { tenantId: 't1', id: 'job-one' });
      await queue.enqueue('echo', { n: 2 }, { tenantId: 't2' });
      await until(() => runs.length >= 2);
      await queue.idle();
      await sleep(100);
      expect(runs.sort((a, b) => a.tenant.localeCompare(b.tenant))).toEqual([
        { payload: { n: 1 }, tenant: 't1', attempt: 1 },
        { payload: { n: 2 }, tenant: 't2', attempt: 1 },
      ]);
    });

    it('retries a failing job with growing delays until it succeeds', async () => {
      const attempts: number[] = [];
      queue = await harness.open();
      queue.register(
        'flaky',
        async (_payload, job) => {
          attempts.push(Date.now());
          if (job.attempt < 3) throw new Error(`failure ${job.attempt}`);
        },
        { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 },
      );
      await queue.start();
      await queue.enqueue('flaky', {}, { tenantId: 't1' });
      await until(() => attempts.length === 3);
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(45); // first retry ≥ half the base delay
      await sleep(400);
      expect(attempts).toHaveLength(3);
    });

    it('gives up after the last attempt', async () => {
      let attempts = 0;
      queue = await harness.open();
      queue.register(
        'doomed',
        async () => {
          attempts++;
          throw new Error('always');
        },
        { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 },
      );
      await queue.start();
      await queue.enqueue('doomed', {}, { tenantId: 't1' });
      await until(() => attempts === 2);
      await sleep(500);
      expect(attempts).toBe(2);
    });

    it('keeps a job that ran out of attempts as a dead letter of its tenant, and retries it on request', async () => {
      let attempts = 0;
      let healthy = false;
      queue = await harness.open();
      queue.register(
        'fragile',
        async () => {
          attempts++;
          if (!healthy) throw new Error('downstream is down');
        },
        { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 },
      );
      await queue.start();
      const id = await queue.enqueue('fragile', { n: 7 }, { tenantId: 't1', id: 'fragile-1' });
      let dead: Awaited<ReturnType<JobQueue['deadJobs']>>['data'] = [];
      await untilAsync(async () => {
        dead = (await queue.deadJobs('t1', { limit: 10 })).data;
        return dead.length === 1;
      });
      expect(dead[0]).toMatchObject({ id, kind: 'fragile', tenant_id: 't1', payload: { n: 7 }, attempts: 2 });
      expect(dead[0]!.last_error).toContain('downstream is down');
      expect((await queue.deadJobs('t2', { limit: 10 })).data).toEqual([]);
      expect(await queue.retryDead('t2', id)).toBe(false);
      healthy = true;
      expect(await queue.retryDead('t1', id)).toBe(true);
      await until(() => attempts === 3);
      await untilAsync(async () => (await queue.deadJobs('t1', { limit: 10 })).data.length === 0);
    });

    it('honours a delay', async () => {
      let ranAt = 0;
      queue = await harness.open();
      queue.register('later', async () => {
        ranAt = Date.now();
      });
      await queue.start();
      const enqueuedAt = Date.now();
      await queue.enqueue('later', {}, { tenantId: 't1', delayMs: 400 });
      await sleep(200);
      expect(ranAt).toBe(0);
      await until(() => ranAt > 0);
      expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(380);
    });

    it('stop waits for the running job to finish', async () => {
      let finished = false;
      let started = false;
      queue = await harness.open();
      queue.register('slow', async () => {
        started = true;
        await sleep(300);
        finished = true;
      });
      await queue.start();
      await queue.enqueue('slow', {}, { tenantId: 't1' });
      await until(() => started);
      await queue.stop();
      expect(finished).toBe(true);
    });

    it("stop aborts the running job's signal, so a long job saves progress and yields", async () => {
      let started = false;
      let sawAbort = false;
      queue = await harness.open();
      queue.register('long', async (_payload, job) => {
        started = true;
        const end = Date.now() + 20_000;
        while (!job.signal.aborted && Date.now() < end) await sleep(20);
        sawAbort = job.signal.aborted;
      });
      await queue.start();
      await queue.enqueue('long', {}, { tenantId: 't1' });
      await until(() => started);
      const stopping = Date.now();
      await queue.stop();
      expect(sawAbort).toBe(true);
      expect(Date.now() - stopping).toBeLessThan(10_000);
    });
  });
}
