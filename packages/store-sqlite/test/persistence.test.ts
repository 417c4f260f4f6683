import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Principal } from '@engram/core';
import { startTestEngram } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { sqliteStorePlugin } from '../src';

const principal: Principal = { tenant_id: 'default', subject: 'test', scopes: ['admin'] };

describe('the embedded store on disk', () => {
  it('keeps memories, history, indexes and logs across close and reopen', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'engram-persist-')), 'engram.db');
    const open = () =>
      startTestEngram([sqliteStorePlugin({ path: file }), useLiteEmbedderPlugin({ threads: 1 })]);

    const first = await open();
    const m = await first.services.memories.add('default', {
      content: 'The spare key is under the blue flowerpot',
      user_id: 'p',
    });
    await first.services.memories.update('default', m.id, {
      content: 'The spare key is under the red flowerpot',
    });
    const searched = await first.services.search.search(principal, { query: 'flowerpot', user_id: 'p' });
    await first.shutdown(); // flushes the query log

    const second = await open();
    try {
      expect(await second.services.memories.get('default', m.id)).toMatchObject({
        version: 2,
        content: 'The spare key is under the red flowerpot',
      });
      expect((await second.services.memories.history('default', m.id)).map((v) => v.version)).toEqual([1, 2]);
      const byWord = await second.services.search.search(principal, { query: 'red flowerpot', user_id: 'p' });
      expect(byWord.results[0]?.memory.id).toBe(m.id);
      const byMeaning = await second.services.search.search(principal, {
        query: 'where can I find the house key?',
        user_id: 'p',
      });
      expect(byMeaning.results[0]?.signals.vector).toBeGreaterThan(0);
      expect(await second.ports.logStore.getQuery('default', searched.search_id)).toMatchObject({
        query: 'flowerpot',
      });
    } finally {
      await second.shutdown();
    }
  });
});
