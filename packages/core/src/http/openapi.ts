import { z } from 'zod';
import { prefixOf, type RouteSpec } from './route';

const toSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;

const problem = {
  description: 'An RFC 9457 problem with a stable `code`',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** Every route may answer 400, 401, 403, 429 and 503; bodies add 413 and 415; ids add 404. */
function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set([400, 401, 403, 429, 503, ...(route.errors ?? [])]);
  if (route.body) for (const s of [413, 415]) statuses.add(s);
  if (route.path.includes(':')) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * Recursive parts of a schema (JSON metadata values) come out of zod as `$defs` local to that
 * schema; inside the document they must live in components, or `#/$defs/…` resolves nowhere.
 */
function hoistDefs(
  schema: Record<string, unknown>,
  components: Record<string, unknown>,
): Record<string, unknown> {
  const { $defs, ...rest } = schema as { $defs?: Record<string, unknown> };
  if (!$defs) return schema;
  const renamed = new Map<string, string>();
  for (const [name, def] of Object.entries($defs)) {
    const text = JSON.stringify(def);
    let target = name === '__schema0' ? 'JsonValue' : name.replace(/^_+/, '');
    for (let n = 2; components[target] !== undefined && JSON.stringify(components[target]) !== text; n++)
      target = `${target.replace(/\d+$/, '')}${n}`;
    renamed.set(name, target);
  }
  const rewrite = (text: string) =>
    text.replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_m, name: string) => `"#/components/schemas/${renamed.get(name) ?? name}"`,
    );
  for (const [name, def] of Object.entries($defs)) {
    // A self-referencing definition (JSON metadata values) is published as "any JSON value":
    // it says the same to a reader, and generators (clients, fuzzers) need no recursion for it.
    const recursive = JSON.stringify(def).includes(`"#/$defs/${name}"`);
    components[renamed.get(name)!] = recursive
      ? { description: 'Any JSON value: string, number, boolean, null, or arrays and objects of them' }
      : JSON.parse(rewrite(JSON.stringify(def)));
  }
  return JSON.parse(rewrite(JSON.stringify(rest)));
}

/** OpenAPI 3.1, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const shared: Record<string, unknown> = {};
  for (const route of routes) {
    const path = `${prefixOf(route)}${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = route.query
      ? Object.entries((toSchema(route.query).properties ?? {}) as Record<string, unknown>).map(
          ([name, schema]) => ({
            name,
            in: 'query',
            required: ((toSchema(route.query!).required ?? []) as string[]).includes(name),
            schema,
          }),
        )
      : [];
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}_${`${prefixOf(route) === '/v1' ? '' : prefixOf(route)}${route.path}`.replace(/[/:]+/g, '_').replace(/^_|_$/g, '')}`,
      parameters: [...pathParams, ...queryParams],
      ...(route.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: hoistDefs(toSchema(route.body), shared) } },
        },
      }),
      responses: {
        [String(route.status ?? 200)]: { description: 'Success', content: { 'application/json': {} } },
        ...(route.alternateStatus && {
          [String(route.alternateStatus)]: { description: 'Success', content: { 'application/json': {} } },
        }),
        ...Object.fromEntries(errorStatuses(route).map((status) => [String(status), problem])),
      },
      security: route.public ? [] : [{ bearer: [] }, { apiKey: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Engram API',
      version,
      description: 'Memory for AI applications: store, search, relate and learn from retrieval.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        ...shared,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}

/** A self-contained reference page (no CDN: self-hosted servers are often offline). */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Engram API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;margin-top:2rem}.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #4a7}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
code{background:#f2f2f2;padding:0 .25rem}</style></head>
<body><h1>Engram API reference</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>.
Authenticate with <code>Authorization: Bearer &lt;key&gt;</code> or <code>X-API-Key</code>.</p><div id="ops">Loading…</div>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push({path,m,op});
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  document.getElementById('ops').innerHTML=Object.entries(byTag).map(([tag,ops])=>'<h2>'+esc(tag)+'</h2>'+ops.map(({path,m,op})=>
    '<div class="op"><span class="m">'+m+'</span><code>'+esc(path)+'</code><p>'+esc(op.summary)+'</p>'+
    (op.parameters.length?'<p>Parameters: '+op.parameters.map(p=>'<code>'+esc(p.name)+'</code> ('+p.in+')').join(', ')+'</p>':'')+
    (op.requestBody?'<details><summary>Body schema</summary><pre>'+esc(JSON.stringify(op.requestBody.content['application/json'].schema,null,2))+'</pre></details>':'')+
    '</div>').join('')).join('');
});
</script></body></html>`;
