import { DurableJobQueue } from '@engram/core';
import { describeJobQueueContract } from '@engram/core/testing';
import pino from 'pino';
import { openSqliteStores, type SqliteStores } from '../src';

const open = new Map<unknown, SqliteStores>();

describeJobQueueContract('durable queue over sqlite', {
  async open() {
    const stores = openSqliteStores(':memory:');
    const queue = new DurableJobQueue(stores.jobStore, pino({ level: 'silent' }), {
      pollMs: 20,
      leaseMs: 5000,
      concurrency: 4,
    });
    open.set(queue, stores);
    return queue;
  },
  async close(queue) {
    await queue.stop();
    open.get(queue)?.db.close();
    open.delete(queue);
  },
});
