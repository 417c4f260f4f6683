import {
  createEngram,
  type Embedder,
  type EngramPlugin,
  isBackendUnavailable,
  parseConfig,
  translateErrors,
} from '../src';
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

describe('translateErrors', () => {
  class Store {
    constructor(private readonly fail: Error) {}
    async read(): Promise<string> {
      throw this.fail;
    }
    write(): void {
      throw this.fail;
    }
    ok(): string {
      return 'fine';
    }
  }
  const driverDown = Object.assign(new Error('no server'), { name: 'AcmeServerSelectionError' });
  const unavailable = (err: unknown) => (err as Error).name === 'AcmeServerSelectionError';

  it("turns a store's own unavailable errors into dependency_unavailable, async and sync", async () => {
    const store = translateErrors(new Store(driverDown), unavailable);
    await expect(store.read()).rejects.toMatchObject({ code: 'dependency_unavailable', cause: driverDown });
    expect(() => store.write()).toThrow(expect.objectContaining({ code: 'dependency_unavailable' }));
    expect(store.ok()).toBe('fine');
    expect(store).toBeInstanceOf(Store);
    expect(isBackendUnavailable(await store.read().catch((e: unknown) => e))).toBe(true);
  });

  it('passes every other error through unchanged', async () => {
    const bug = new TypeError('a bug');
    await expect(translateErrors(new Store(bug), unavailable).read()).rejects.toBe(bug);
    expect(isBackendUnavailable(bug)).toBe(false);
  });
});
