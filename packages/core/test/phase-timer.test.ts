import { PhaseTimer, parseServerTiming } from '../src/services/phase-timer';

describe('PhaseTimer', () => {
  it('adds up the time of each phase and writes it as a Server-Timing header that parses back', async () => {
    const timer = new PhaseTimer();
    const value = await timer.time('fetch', async () => {
      await new Promise((r) => setTimeout(r, 20));
      return 42;
    });
    expect(value).toBe(42);
    timer.add('rank', 1.234);
    timer.add('rank', 1);
    await expect(
      timer.time('log', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const phases = parseServerTiming(timer.header());
    expect(Object.keys(phases)).toEqual(['fetch', 'rank', 'log']);
    expect(phases.fetch).toBeGreaterThanOrEqual(15);
    expect(phases.rank).toBe(2.23);
    expect(phases.log).toBeGreaterThanOrEqual(0);
  });

  it('reads headers written by others, skipping entries without a duration', () => {
    expect(parseServerTiming('db;dur=53.2, cache;desc="Cache Read";dur=23.2, miss, app;desc=x')).toEqual({
      db: 53.2,
      cache: 23.2,
    });
    expect(parseServerTiming(null)).toEqual({});
  });
});
