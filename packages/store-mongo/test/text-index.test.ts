import { makeMemory } from '@engram/core/testing';
import { type MongoStores, openMongoStores } from '../src';
import type { Models } from '../src/models';
import { startTestMongo, type TestMongo } from '../src/testing';
import { MongoTextIndex } from '../src/text-index';

let mongo: TestMongo;
let stores: MongoStores;

beforeAll(async () => {
  mongo = await startTestMongo();
  stores = await openMongoStores(mongo.url, `engram_text_${process.pid}`);
}, 60_000);
afterAll(async () => {
  await stores.connection.dropDatabase();
  await stores.connection.close();
  await mongo.stop();
});

const postingsOf = (memoryId: string) =>
  stores.connection.collection('text_postings').find({ memory_id: memoryId }).toArray();

describe('mongo text index postings', () => {
  it('a repeated upsert converges: one posting per term, the old terms gone', async () => {
    const memory = makeMemory({ content: 'Melanie paints sunsets by the lake' });
    await stores.textIndex.upsert([memory]);
    await stores.textIndex.upsert([memory]); // a retried write
    expect((await postingsOf(memory.id)).map((p) => p.term).sort()).toEqual([
      'lake',
      'melani',
      'paint',
      'sunset',
    ]);
    await stores.textIndex.upsert([{ ...memory, content: 'Melanie swims' }]);
    expect((await postingsOf(memory.id)).map((p) => p.term).sort()).toEqual(['melani', 'swim']);
    const doc = await stores.connection.collection('text_docs').findOne({ memory_id: memory.id });
    expect(doc?.terms.sort()).toEqual(['melani', 'swim']);
  });

  it('rewrites a memory indexed before text documents listed their terms', async () => {
    const memory = makeMemory({ content: 'Caroline visits Sweden' });
    await stores.textIndex.upsert([memory]);
    await stores.connection
      .collection('text_docs')
      .updateOne({ memory_id: memory.id }, { $unset: { terms: '' } });
    await stores.textIndex.upsert([{ ...memory, content: 'Caroline stays home' }]);
    expect((await postingsOf(memory.id)).map((p) => p.term).sort()).toEqual(['carolin', 'home', 'stay']);
    expect(await stores.textIndex.search('t1', 'Sweden', 10, {})).toEqual([]);
  });

  it("reuses a scope's statistics for a while; its own writes show at once", async () => {
    const { TextDoc, TextPosting } = stores.connection.models;
    const models = { textDocs: TextDoc, postings: TextPosting } as Models;
    let clock = 0;
    const here = new MongoTextIndex(models, () => clock);
    const elsewhere = new MongoTextIndex(models); // another process writing to the same scope
    const scope = { user_id: 'stats-user' };
    const memory = (content: string) => makeMemory({ tenant_id: 't-stats', user_id: 'stats-user', content });
    await here.upsert([memory('Melanie paints sunsets'), memory('Caroline runs')]);
    const scoreOf = async () => (await here.search('t-stats', 'sunsets', 10, scope))[0]!.score;
    const first = await scoreOf();
    // One more memory without the word raises its rarity (BM25's idf grows with the count).
    await elsewhere.upsert([memory('Jon bakes bread')]);
    expect(await scoreOf()).toBe(first);
    clock += 5_000;
    const afterExpiry = await scoreOf();
    expect(afterExpiry).toBeGreaterThan(first);
    await here.upsert([memory('Gina sells clothes')]);
    expect(await scoreOf()).toBeGreaterThan(afterExpiry);
  });
});
