import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { EngramApiError, EngramClient, verifyWebhook } from '@engram/client';
import type { OssServer } from '../src/server';
import { API_KEY, receiver, startServer, tempDir, testEnv, waitFor } from './helpers';

const CLI = require.resolve('@engram/client/package.json').replace('package.json', 'dist/cli/main.js');

/** Runs the CLI to its end; its stdout, stderr and exit code. */
function cli(args: string[], env: NodeJS.ProcessEnv, onStart?: (child: ChildProcess) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

describe('the SDK and the CLI against a running server', () => {
  let engram: OssServer;
  let listener: Server;
  let client: EngramClient;
  let env: NodeJS.ProcessEnv;
  const dir = tempDir();

  beforeAll(async () => {
    engram = await startServer(testEnv({ ENGRAM_WEBHOOK_ALLOW_PRIVATE: '1', HOST: '127.0.0.1' }));
    // listen() also starts the background workers that run batches and deliver webhooks.
    listener = await engram.listen(0);
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    client = new EngramClient({ url, apiKey: API_KEY });
    // The CLI reads its server and key from a config file here (flags and environment are above it).
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ url, api_key: API_KEY }));
    env = { ENGRAM_CONFIG: path.join(dir, 'config.json'), ENGRAM_URL: '', ENGRAM_API_KEY: '' };
  });
  afterAll(() => engram.close());

  it('adds, finds, updates and forgets through typed calls', async () => {
    const added = await client.add({ content: 'Dana keeps bees on her roof in Porto', user_id: 'dana' });
    expect(added.deduplicated).toBeUndefined();
    expect((await client.add({ content: 'Dana keeps bees on her roof in Porto', user_id: 'dana' })).id).toBe(
      added.id,
    );
    const found = await client.search({ query: 'who keeps bees?', user_id: 'dana', limit: 3 });
    expect(found.results[0]?.memory.id).toBe(added.id);
    await client.feedback({ search_id: found.search_id, memory_id: added.id, signal: 'positive' });
    const updated = await client.update(added.id, { content: 'Dana keeps bees in Braga now' });
    expect(updated.version).toBe(2);
    expect((await client.history(added.id)).map((v) => v.change)).toEqual(['created', 'updated']);
    for (let n = 0; n < 7; n++) await client.add({ content: `Dana's hive ${n} log`, user_id: 'dana' });
    const seen: string[] = [];
    for await (const memory of client.listAll({ user_id: 'dana', limit: 3 })) seen.push(memory.id);
    expect(new Set(seen).size).toBe(8); // three pages, nothing repeated or lost
    expect(await client.forgetUser('dana')).toEqual({ deleted: 8 });
  });

  it('throws typed problems naming the field at fault', async () => {
    const missing = await client.get('mem_nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EngramApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const invalid = (await client.search({ query: '' }).catch((e: unknown) => e)) as EngramApiError;
    expect(invalid.status).toBe(400);
    expect(invalid.errors.map((e) => e.field)).toContain('query');
    expect(invalid.requestId).toMatch(/\S/);
  });

  it('runs a batch to its end and verifies the webhook it is told about', async () => {
    const target = await receiver();
    try {
      const hook = await client.createWebhook({ url: target.url, events: ['batch.completed'] });
      const accepted = await client.submitBatch({
        memories: [
          { content: 'one', user_id: 'batch' },
          { content: '' },
          { content: 'two', user_id: 'batch' },
        ],
      });
      const done = await client.waitForBatch(accepted.batch_id);
      expect(done).toMatchObject({ status: 'partial', succeeded: 2, failed: 1 });
      expect(done.errors[0]).toMatchObject({ index: 1, field: 'memories.1.content' });
      const delivery = await waitFor(() => target.received[0]);
      const event = verifyWebhook<{ type: string }>(delivery.raw, delivery.headers, hook.secret);
      expect(event.type).toBe('batch.completed');
      expect(() => verifyWebhook(delivery.raw, delivery.headers, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA')).toThrow(
        /no valid signature/,
      );
      await client.deleteWebhook(hook.id);
    } finally {
      await target.close();
    }
  });

  it('CLI: add, search, get and delete with --json for scripts', async () => {
    const added = await cli(['add', 'Erin', 'plays', 'the', 'cello', '--user', 'erin', '--json'], env);
    expect(added.code).toBe(0);
    const memory = JSON.parse(added.stdout);
    expect(memory.content).toBe('Erin plays the cello');
    const found = await cli(['search', 'what instrument?', '--user', 'erin', '--json'], env);
    expect(JSON.parse(found.stdout).results[0].memory.id).toBe(memory.id);
    expect((await cli(['get', memory.id], env)).stdout).toContain('"content": "Erin plays the cello"');
    expect((await cli(['delete', memory.id], env)).stdout.trim()).toBe(`deleted ${memory.id}`);
    const gone = await cli(['get', memory.id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/404 not_found/);
    expect((await cli(['frobnicate'], env)).code).toBe(2);
    // Query logs are written off the request path (flushed every half second).
    const logs = await waitFor(async () => {
      const rows = JSON.parse((await cli(['logs', 'queries', '--limit', '1', '--json'], env)).stdout);
      return rows.length ? rows : undefined;
    });
    expect(logs).toEqual([expect.objectContaining({ query: 'what instrument?', user_id: 'erin' })]);
    // Keys are managed by the cloud's admin API; an OSS server says where its keys come from.
    const keys = await cli(['keys', 'list', '--project', 'p1'], env);
    expect(keys.code).toBe(1);
    expect(keys.stderr).toMatch(/ENGRAM_API_KEYS/);
  });

  it('CLI: an import killed midway resumes without duplicates, and an export imports again as the same memories', async () => {
    const file = path.join(dir, 'notes.jsonl');
    const records = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({
        content: `import note ${i}: ${i % 7 ? 'garden' : 'kitchen'} item ${i * 31}`,
        tags: ['imp'],
      }),
    );
    writeFileSync(file, `${records.join('\n')}\n`);
    const checkpoint = `${file}.engram-import.json`;
    const killed = await cli(['import', file, '--user', 'imp', '--batch-size', '50'], env, (child) => {
      void waitFor(
        () => existsSync(checkpoint) && JSON.parse(readFileSync(checkpoint, 'utf8')).next_record >= 300,
        60_000,
      )
        .then(() => child.kill('SIGKILL'))
        .catch(() => child.kill('SIGKILL'));
    });
    expect(killed.code).toBeNull(); // killed, not finished
    expect(killed.stderr).toMatch(/import \[#*\.*\] \d+\/1500/); // the progress line
    const resumed = await cli(['import', file, '--user', 'imp', '--json', '--no-progress'], env);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.resumed_from).toBeGreaterThanOrEqual(300);
    expect(summary).toMatchObject({ records: 1500, imported: 1500, failed: 0 });
    expect(existsSync(checkpoint)).toBe(false);

    const contents: string[] = [];
    for await (const m of client.listAll({ user_id: 'imp', limit: 1000 })) contents.push(m.content);
    expect(contents).toHaveLength(1500);
    expect(new Set(contents).size).toBe(1500);

    const exported = path.join(dir, 'export.ndjson');
    const exportRun = await cli(['export', '--user', 'imp', '--output', exported, '--json'], env);
    expect(JSON.parse(exportRun.stdout)).toMatchObject({ exported: 1500 });
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1500);
    expect(JSON.parse(lines[0]!)).toMatchObject({ user_id: 'imp', tags: ['imp'] });
    // Imported again: every record is an identical current memory, so nothing new is stored.
    const again = await cli(['import', exported, '--json', '--no-progress', '--batch-size', '50'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ records: 1500, failed: 0 });
    let count = 0;
    for await (const _ of client.listAll({ user_id: 'imp', limit: 1000 })) count++;
    expect(count).toBe(1500);
  }, 240_000);

  it("CLI: imports CSV and mem0's export format", async () => {
    const csv = path.join(dir, 'people.csv');
    writeFileSync(
      csv,
      'content,user_id,tags,city\n"Fay likes ""dry"" humour, mostly",fay,humour;people,Lyon\nFay runs at dawn,fay,,\n',
    );
    expect(JSON.parse((await cli(['import', csv, '--json'], env)).stdout)).toMatchObject({ imported: 2 });
    const mem0 = path.join(dir, 'mem0-export.json');
    writeFileSync(
      mem0,
      JSON.stringify({
        results: [
          { id: 'm0-1', memory: 'Gus is allergic to peanuts', user_id: 'gus', categories: ['health'] },
          { id: 'm0-2', memory: 'Gus works night shifts', user_id: 'gus', run_id: 'r1', metadata: { s: 1 } },
        ],
      }),
    );
    expect(JSON.parse((await cli(['import', mem0, '--json'], env)).stdout)).toMatchObject({ imported: 2 });
    const fay = (await client.list({ user_id: 'fay' })).data.map((m) => [m.content, m.tags, m.metadata]);
    expect(fay).toContainEqual(['Fay likes "dry" humour, mostly', ['humour', 'people'], { city: 'Lyon' }]);
    const gus = (await client.list({ user_id: 'gus' })).data;
    expect(gus.find((m) => m.session_id === 'r1')).toMatchObject({
      content: 'Gus works night shifts',
      metadata: { s: 1, mem0_id: 'm0-2' },
    });
    expect(gus.find((m) => m.tags.includes('health'))?.content).toBe('Gus is allergic to peanuts');
  });
});
