import path from 'node:path';
import { z } from 'zod';
import { loadConfig, newId } from '../src';
import { OPEN_SOURCE_DEFAULTS } from '../src/testing';

const file = (name: string) => path.resolve(__dirname, '../../../config', name);

describe('edition config', () => {
  it('loads both edition files; the test defaults are the open-source file', () => {
    const oss = loadConfig(file('opensource.yaml'), {});
    expect(oss).toEqual({ ...OPEN_SOURCE_DEFAULTS, telemetry: { enabled: true } });
    // The cloud file also holds sections that ee's providers own (plans, Temporal batches): core
    // alone refuses them as unknown, and accepts them once a provider says they are its own.
    expect(() => loadConfig(file('cloud.yaml'), {})).toThrow(
      /Unrecognized keys: "temporal_batches", "plans"/,
    );
    const cloud = loadConfig(
      file('cloud.yaml'),
      {},
      {
        plans: z.object({}).passthrough(),
        temporal_batches: z.object({}).passthrough(),
      },
    );
    expect(cloud.batch_processing.max_batch_size).toBe(10000);
  });

  it('takes environment overrides by key path, typed like the yaml value', () => {
    const config = loadConfig(file('opensource.yaml'), {
      ENGRAM_BATCH_PROCESSING__MAX_BATCH_SIZE: '20',
      ENGRAM_QUERY_LOGGING__ENABLED: 'false',
    });
    expect(config.batch_processing.max_batch_size).toBe(20);
    expect(config.query_logging.enabled).toBe(false);
  });

  it('stops with a message naming the bad key', () => {
    expect(() =>
      loadConfig(file('opensource.yaml'), { ENGRAM_BATCH_PROCESSING__MAX_BATCH_SIZE: '-3' }),
    ).toThrow(/batch_processing\.max_batch_size/);
    expect(() => loadConfig(file('opensource.yaml'), { ENGRAM_TELEMETRY__ENABLED: 'maybe' })).toThrow(
      /telemetry\.enabled/,
    );
    expect(() => loadConfig(file('opensource.yaml'), { ENGRAM_SEARCH__NOPE: '1' })).toThrow(
      /Unknown configuration key.*search\.nope/,
    );
  });
});

describe('ids', () => {
  it('sort by creation time', () => {
    const a = newId('mem', 1_700_000_000_000);
    const b = newId('mem', 1_700_000_000_001);
    const c = newId('mem', 1_800_000_000_000);
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(a).toMatch(/^mem_[0-9A-Z]{26}$/);
    expect(newId('mem')).not.toBe(newId('mem'));
  });
});
