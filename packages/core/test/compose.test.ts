import { createEngram, type Embedder, type EngramPlugin, parseConfig } from '../src';
import { OPEN_SOURCE_DEFAULTS } from '../src/testing';

const embedder = (modelId: string): Embedder => ({
  modelId,
  dimension: 2,
  embed: async (texts) => texts.map(() => Float32Array.from([1, 0])),
});
const providing = (name: string, modelId: string, replaces?: boolean): EngramPlugin => ({
  name,
  setup: (ctx) => ctx.provide('embedder', embedder(modelId), replaces ? { replaces } : undefined),
});

describe('composition', () => {
  const config = parseConfig(OPEN_SOURCE_DEFAULTS);

  it('refuses a port provided twice at start-up, naming both providers', async () => {
    const started = createEngram({
      config,
      plugins: [providing('embed-first', 'a'), providing('embed-second', 'b')],
    });
    await expect(started).rejects.toMatchObject({ code: 'config_invalid' });
    await expect(started).rejects.toThrow(/embedder is provided by both embed-first and embed-second/);
  });

  it('lets a provider that says so replace an earlier one', async () => {
    // The replacement is accepted; start-up then stops at the first port nobody filled.
    const started = createEngram({
      config,
      plugins: [providing('embed-first', 'a'), providing('embed-second', 'b', true)],
    });
    await expect(started).rejects.toThrow(/No plugin provides: memoryStore/);
  });
});
