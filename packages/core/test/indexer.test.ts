import pino from 'pino';
import {
  DurableJobQueue,
  type EntityExtractor,
  INDEX_SYNC_JOB,
  Indexer,
  InMemoryGraphStore,
  InMemoryJobStore,
  InMemoryMemoryStore,
  InMemoryTextIndex,
  InMemoryVectorIndex,
} from '../src';
import { axisVector, makeMemory } from '../src/testing';

/** Extracts the capitalised words, and fails for any text that says "unparseable". */
const extractor: EntityExtractor = {
  extract: async (text) => {
    if (text.includes('unparseable')) throw new Error('extraction failed');
    return (text.match(/\b[A-Z][a-z]+\b/g) ?? []).map((name) => ({ name, kind: 'person' as const }));
  },
};

describe('Indexer.indexMany', () => {
  const setup = () => {
    const ports = {
      memoryStore: new InMemoryMemoryStore(),
      vectorIndex: new InMemoryVectorIndex(),
      textIndex: new InMemoryTextIndex(),
      graphStore: new InMemoryGraphStore(),
      embedder: {
        modelId: 'axis',
        dimension: 4,
        embed: async (texts: string[]) => texts.map(() => axisVector(4, 0)),
      },
      entityExtractor: extractor,
      jobStore: new InMemoryJobStore(),
    };
    const jobQueue = new DurableJobQueue(ports.jobStore, pino({ level: 'silent' }), {
      pollMs: 10_000,
      leaseMs: 5000,
      concurrency: 1,
    });
    const queued: string[] = [];
    const enqueue = jobQueue.enqueue.bind(jobQueue);
    jobQueue.enqueue = async (kind, payload, options) => {
      if (kind === INDEX_SYNC_JOB) queued.push((payload as { id: string }).id);
      return enqueue(kind, payload, options);
    };
    return { ports, queued, indexer: new Indexer({ ...ports, jobQueue }, pino({ level: 'silent' })) };
  };

  it('indexes every memory of a batch, and queues a repair only for the one whose graph write failed', async () => {
    const { ports, queued, indexer } = setup();
    const memories = [
      makeMemory({ content: 'Caroline went hiking' }),
      makeMemory({ content: 'an unparseable note from Melanie' }),
      makeMemory({ content: 'Melanie paints' }),
    ];
    for (const memory of memories) await ports.memoryStore.insert(memory);
    await indexer.indexMany(memories.map((memory) => ({ memory, vector: axisVector(4, 0) })));

    const [ok1, failed, ok2] = memories.map((m) => m.id);
    expect(queued).toEqual([failed]);
    // The vector is written last, so the one without graph entries is not taken for indexed.
    expect(await indexer.isIndexed('t1', ok1!)).toBe(true);
    expect(await indexer.isIndexed('t1', failed!)).toBe(false);
    expect(await indexer.isIndexed('t1', ok2!)).toBe(true);
    const hits = await ports.textIndex.search('t1', 'Melanie paints hiking', 10, {});
    expect(hits.map((h) => h.id).sort()).toEqual([...memories.map((m) => m.id)].sort());
    const melanie = await ports.graphStore.findEntities('t1', 'alice', ['Melanie']);
    const [mentioning] = await ports.graphStore.memoriesMentioningEach('t1', [melanie.map((e) => e.id)], 10);
    expect(mentioning!.map((m) => m.id)).toEqual([ok2]);
  });

  it('writes the graph of a batch in one call, and when that fails, each memory alone', async () => {
    const { ports, queued, indexer } = setup();
    const memories = [
      makeMemory({ content: 'Caroline went hiking' }),
      makeMemory({ content: 'Melanie paints' }),
      makeMemory({ content: 'Caroline met Melanie' }),
    ];
    const refused = memories[1]!.id;
    const calls: string[][] = [];
    const write = ports.graphStore.writeMentions.bind(ports.graphStore);
    ports.graphStore.writeMentions = async (tenantId, writes) => {
      calls.push(writes.map((w) => w.memory_id));
      if (writes.some((w) => w.memory_id === refused)) throw new Error('graph store refused');
      return write(tenantId, writes);
    };
    for (const memory of memories) await ports.memoryStore.insert(memory);
    await indexer.indexMany(memories.map((memory) => ({ memory, vector: axisVector(4, 0) })));

    const ids = memories.map((m) => m.id);
    expect(calls).toEqual([ids, [ids[0]], [ids[1]], [ids[2]]]);
    expect(queued).toEqual([refused]);
    expect(await indexer.isIndexed('t1', refused)).toBe(false);
    const caroline = await ports.graphStore.findEntities('t1', 'alice', ['Caroline']);
    const [mentioning] = await ports.graphStore.memoriesMentioningEach('t1', [caroline.map((e) => e.id)], 10);
    expect(mentioning!.map((m) => m.id).sort()).toEqual([ids[0], ids[2]].sort());
  });
});
