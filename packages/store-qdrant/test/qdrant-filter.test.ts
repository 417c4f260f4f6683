import { pointId, qdrantFilter } from '../src';

describe('qdrant payload filter', () => {
  it('always scopes by tenant and maps every MemoryFilter field', () => {
    expect(qdrantFilter('t1', {})).toEqual({ must: [{ key: 'tenant_id', match: { value: 't1' } }] });
    const { must } = qdrantFilter('t1', {
      user_id: 'alice',
      namespace: 'work',
      tags: ['a', 'b'],
      created_after: '2026-01-01T00:00:00Z',
      created_before: '2026-02-01T00:00:00Z',
      metadata: {
        topic: 'tea',
        score: 0.5,
        level: 3,
        gone: null,
        city: { in: ['Paris', 'Oslo'] },
        n: { gte: 2, lt: 9 },
      },
    });
    expect(must).toEqual([
      { key: 'tenant_id', match: { value: 't1' } },
      { key: 'user_id', match: { value: 'alice' } },
      { key: 'namespace', match: { value: 'work' } },
      { key: 'tags', match: { any: ['a', 'b'] } },
      { key: 'created_at', range: { gte: '2026-01-01T00:00:00Z', lt: '2026-02-01T00:00:00Z' } },
      { key: 'metadata.topic', match: { value: 'tea' } },
      { key: 'metadata.score', range: { gte: 0.5, lte: 0.5 } },
      { key: 'metadata.level', match: { value: 3 } },
      { is_null: { key: 'metadata.gone' } },
      { key: 'metadata.city', match: { any: ['Paris', 'Oslo'] } },
      { key: 'metadata.n', range: { gte: 2, lt: 9 } },
    ]);
  });

  it('refuses a string range that is not a date, naming the field', () => {
    expect(() => qdrantFilter('t1', { metadata: { name: { gt: 'b' } } })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: expect.objectContaining({
          errors: [expect.objectContaining({ field: 'filter.metadata.name' })],
        }),
      }),
    );
  });

  it('gives each (tenant, memory) its own stable UUID', () => {
    const id = pointId('t1', 'mem_1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pointId('t1', 'mem_1')).toBe(id);
    expect(pointId('t2', 'mem_1')).not.toBe(id);
  });
});
