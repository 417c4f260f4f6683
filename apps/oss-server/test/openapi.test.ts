import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { OssServer } from '../src/server';
import { startServer, tempDir, testEnv } from './helpers';

// One definition: the script that regenerates the SDK's types is the one checked here.
const CLIENT_TYPES = path.join(__dirname, '../scripts/client-types.js');
const SCHEMA_FILE = path.join(__dirname, '../../../packages/sdk/src/schema.d.ts');

const bin = (name: string) => path.join(__dirname, '../node_modules/.bin', name);
const TSC = path.join(__dirname, '../../../node_modules/.bin/tsc');

describe('the OpenAPI document, as clients use it', () => {
  let engram: OssServer;
  let doc: {
    paths: Record<
      string,
      Record<string, { tags: string[]; responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
    components: { schemas: Record<string, unknown> };
  };
  const dir = tempDir();
  beforeAll(async () => {
    engram = await startServer(testEnv());
    doc = (await request(engram.app).get('/openapi.json')).body;
    writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
  });
  afterAll(() => engram.close());

  it('passes Redocly lint with no error and no warning', () => {
    const lint = spawnSync(bin('redocly'), ['lint', '--format=json', path.join(dir, 'openapi.json')], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { message: string }[];
    };
    expect(report.problems.map((p) => p.message)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint.status).toBe(0);
  });

  it('declares a named schema for every success answer of the core API', () => {
    const unnamed: string[] = [];
    for (const [route, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!route.startsWith('/v1/') || operation.tags.includes('mem0')) continue; // mem0's own shapes
        for (const [status, answer] of Object.entries(operation.responses)) {
          if (Number(status) >= 300) continue;
          const schema = (answer.content?.['application/json'] as { schema?: { $ref?: string } })?.schema;
          if (!schema?.$ref) unnamed.push(`${method.toUpperCase()} ${route} ${status}`);
        }
      }
    }
    expect(unnamed).toEqual([]);
  });

  it('generates TypeScript types that the committed SDK types match and that compile', () => {
    const project = path.join(dir, 'generated');
    mkdirSync(project);
    const generation = spawnSync(
      process.execPath,
      [CLIENT_TYPES, '--out', path.join(project, 'schema.d.ts')],
      {
        encoding: 'utf8',
      },
    );
    expect(generation.stderr).toBe('');
    const generated = readFileSync(path.join(project, 'schema.d.ts'), 'utf8');
    expect(generated).toContain('export interface components');
    // On a difference: pnpm --filter @engram/oss-server client-types (after a build).
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
    writeFileSync(
      path.join(project, 'use.ts'),
      [
        "import type { components, paths } from './schema';",
        "type Memory = components['schemas']['Memory'];",
        "type Search = paths['/v1/memory/search']['post']['responses']['200']['content']['application/json'];",
        'export const first = (s: Search): Memory | undefined => s.results[0]?.memory;',
        'export const text = (m: Memory): string => m.content;',
      ].join('\n'),
    );
    const tsc = spawnSync(
      TSC,
      ['--noEmit', '--strict', '--target', 'ES2022', '--module', 'Node16', 'schema.d.ts', 'use.ts'],
      { cwd: project, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('renders /docs with Swagger UI served by the server itself, under a script-src self policy', async () => {
    const page = await request(engram.app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/<script>/); // no inline script
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    const bundle = await request(engram.app).get('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const init = await request(engram.app).get('/docs/init.js');
    expect(init.text).toContain("url: '/openapi.json'");
    expect((await request(engram.app).get('/docs/assets/swagger-ui.css')).status).toBe(200);
  });
});
