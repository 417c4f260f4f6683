import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngramError } from '@engram/core';
import {
  describeSettings,
  openSourceManifest,
  parseDotEnv,
  resolveSettings,
  settingsSchema,
  settingsTable,
  withDotEnv,
} from '../src';

const options = { edition: 'opensource', version: 'test' } as const;
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'engram-settings-'));
const resolve = (env: NodeJS.ProcessEnv) =>
  resolveSettings(openSourceManifest, { ENGRAM_DATA_DIR: dataDir(), ...env }, options);
const failure = (env: NodeJS.ProcessEnv) => {
  try {
    resolve(env);
  } catch (err) {
    return err as EngramError;
  }
  throw new Error('expected start-up to be refused');
};

describe('one settings schema', () => {
  it('chooses the embedded default with no settings', () => {
    const settings = resolve({});
    expect(settings.port).toBe(8080);
    expect(settings.providers).toEqual([
      'store-sqlite',
      'embed-static',
      'extract-rules',
      'auth-api-keys',
      'telemetry-posthog',
      'compat-mem0',
      'mcp-http',
    ]);
  });

  it('chooses backends, embedder and extractor by their settings', () => {
    const settings = resolve({
      MONGODB_URL: 'mongodb://127.0.0.1:27017/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ENGRAM_EMBEDDER: 'openai',
      ENGRAM_EXTRACTOR: 'llm',
      ENGRAM_TELEMETRY: 'off',
      ENGRAM_MEM0_COMPAT: 'off',
      ENGRAM_MCP: 'off',
      ENGRAM_LLM_URL: 'http://127.0.0.1:11434/v1',
    });
    expect(settings.providers).toEqual([
      'store-mongo',
      'queue-bullmq',
      'store-sqlite',
      'embed-openai',
      'extract-llm',
      'llm-chat',
      'auth-api-keys',
    ]);
  });

  it('refuses an unknown ENGRAM_ variable with one line naming it and the accepted ones', () => {
    const err = failure({ ENGRAM_EMBEDER: 'static' });
    expect(err).toBeInstanceOf(EngramError);
    expect(err.code).toBe('config_invalid');
    expect(err.message).toMatch(/^unknown setting ENGRAM_EMBEDER; this server accepts .*ENGRAM_EMBEDDER,/);
    expect(err.message).not.toContain('\n');
  });

  it('refuses a cloud setting on the open-source server, unless it is empty (unset)', () => {
    expect(failure({ ENGRAM_ADMIN_KEY: 'x' }).message).toMatch(/unknown setting ENGRAM_ADMIN_KEY/);
    expect(resolve({ ENGRAM_ADMIN_KEY: '' }).providers).toContain('store-sqlite');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT="eighty": /],
    [{ ENGRAM_EMBEDDER: 'word2vec' }, /^ENGRAM_EMBEDDER="word2vec": .*static.*use-lite/],
    [{ MONGODB_URL: 'not a url' }, /^MONGODB_URL=/],
    [{ ENGRAM_JOB_LEASE_MS: '10' }, /^ENGRAM_JOB_LEASE_MS="10": /],
    [{ ENGRAM_EMBEDDER_API_KEY: '', ENGRAM_EMBEDDER_DIMENSION: '-3' }, /^ENGRAM_EMBEDDER_DIMENSION="-3"/],
  ])('refuses a bad value %p with one line naming it', (env, pattern) => {
    const err = failure(env as NodeJS.ProcessEnv);
    expect(err.code).toBe('config_invalid');
    expect(err.message).toMatch(pattern);
  });

  it('never shows a secret, in errors or in --print-config', () => {
    const shown = describeSettings(
      resolve({ ENGRAM_EMBEDDER: 'openai', ENGRAM_EMBEDDER_API_KEY: 'sk-very-secret' }),
    );
    expect(JSON.stringify(shown)).not.toContain('sk-very-secret');
    expect((shown.settings as Record<string, unknown>).ENGRAM_EMBEDDER_API_KEY).toBe('(set)');
  });

  it('checks ENGRAM_<SECTION>__<KEY> overrides against the edition file', () => {
    expect(
      resolve({ ENGRAM_BATCH_PROCESSING__MAX_BATCH_SIZE: '20' }).config.batch_processing.max_batch_size,
    ).toBe(20);
    expect(failure({ ENGRAM_SEARCH__NOPE: '1' }).message).toMatch(/Unknown configuration key .*search\.nope/);
  });

  it('reads a .env file under the real environment', () => {
    const dir = dataDir();
    writeFileSync(
      path.join(dir, '.env'),
      '# settings\nPORT=9090\nHOST="127.0.0.1"\nexport LOG_LEVEL=warn # quiet\n',
    );
    expect(parseDotEnv(readFileSync(path.join(dir, '.env'), 'utf8'))).toEqual({
      PORT: '9090',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    expect(withDotEnv({ PORT: '7070' }, dir)).toMatchObject({ PORT: '7070', HOST: '127.0.0.1' });
  });

  it('documents every variable in the README table generated from the schema', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    // Regenerate with: node -e "console.log(require('@engram/server').readmeSettingsTable())" (see README).
    expect(readme).toContain(settingsTable(settingsSchema(openSourceManifest)));
  });
});
