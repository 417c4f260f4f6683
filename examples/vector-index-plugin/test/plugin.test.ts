import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStorageContract } from '@engram/core/testing';
import { createServer, openSourceManifest } from '@engram/server';
import pino from 'pino';
import request from 'supertest';
import { Int8VectorIndex, int8VectorProvider } from '../src';

// The same contract every built-in backend passes, for the one port this plugin implements.
let index: Int8VectorIndex;
describeStorageContract('example int8 vector index', {
  provides: ['vectorIndex'],
  open: async () => {
    index = new Int8VectorIndex();
    return { vectorIndex: index };
  },
  close: async () => undefined,
});

describe('the example provider in a server', () => {
  it('is chosen by its setting, takes the vectorIndex port, and search finds by meaning', async () => {
    // A manifest is a list of providers: this one goes before the embedded store.
    const manifest = [int8VectorProvider, ...openSourceManifest];
    const server = await createServer(
      manifest,
      {
        ENGRAM_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'engram-example-')),
        ENGRAM_API_KEYS: 'egm_example_key_0123456789',
        ENGRAM_TELEMETRY: 'off',
        ENGRAM_VECTORS: 'int8',
      },
      { edition: 'opensource', version: 'example', logger: pino({ level: 'silent' }) },
    );
    try {
      expect(server.settings.providers[0]).toBe('vectors-int8');
      expect(server.engram.ports.vectorIndex).toBeInstanceOf(Int8VectorIndex);
      const api = request(server.app);
      const auth = { Authorization: 'Bearer egm_example_key_0123456789' };
      await api.post('/v1/memory').set(auth).send({ content: 'I play the violin on Sundays' }).expect(201);
      await api.post('/v1/memory').set(auth).send({ content: 'The tax forms are due next week' }).expect(201);
      const found = await api.post('/v1/memory/search').set(auth).send({ query: 'which instrument?' });
      expect(found.body.results[0].memory.content).toBe('I play the violin on Sundays');
      expect(found.body.results[0].signals.vector).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
