import { dirname } from 'node:path';
import { z } from 'zod';
import { responseComponents } from '../domain/response-schemas';
import {
  addRequestSchema,
  batchRequestSchema,
  feedbackSchema,
  memoryUpdateSchema,
  relationRequestSchema,
  searchRequestSchema,
  webhookCreateSchema,
} from '../domain/schemas';
import { prefixOf, type RouteSpec } from './route';

const toSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return json;
};

const problem = {
  description: 'An RFC 9457 problem with a stable `code`',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** Engram's problem, and for a route with its own protocol that protocol's error body too. */
const problemOf = (route: RouteSpec) =>
  route.protocolErrors
    ? {
        ...problem,
        content: {
          ...problem.content,
          'application/json': { schema: { description: route.protocolErrors } },
        },
      }
    : problem;

/** Every route may answer 400, 401, 403, 429 and 503; bodies add 413 and 415; ids add 404. */
function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set([400, 401, 403, 429, 503, ...(route.errors ?? [])]);
  if (route.body) for (const s of [413, 415]) statuses.add(s);
  if (route.path.includes(':')) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

const ANY_JSON = {
  description: 'Any JSON value: string, number, boolean, null, or arrays and objects of them',
};

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
  // A self-referencing definition (JSON metadata values) is published as "any JSON value":
  // it says the same to a reader, and generators (clients, fuzzers) need no recursion for it.
  const published = new Map(
    Object.entries($defs).map(([name, def]) => [
      name,
      JSON.stringify(def).includes(`"#/$defs/${name}"`) ? ANY_JSON : def,
    ]),
  );
  const renamed = new Map<string, string>();
  for (const [name, def] of published) {
    const text = JSON.stringify(def);
    let target = def === ANY_JSON ? 'JsonValue' : name.replace(/^_+/, '');
    for (let n = 2; components[target] !== undefined && JSON.stringify(components[target]) !== text; n++)
      target = `${target.replace(/\d+$/, '')}${n}`;
    renamed.set(name, target);
  }
  const rewrite = (text: string) =>
    text.replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_m, name: string) => `"#/components/schemas/${renamed.get(name) ?? name}"`,
    );
  for (const [name, def] of published)
    components[renamed.get(name)!] = JSON.parse(rewrite(JSON.stringify(def)));
  return JSON.parse(rewrite(JSON.stringify(rest)));
}

/** Names of the request bodies core publishes; a plugin's unnamed body is named after its operation. */
const requestNames = new Map<z.ZodType, string>([
  [addRequestSchema, 'AddMemoryRequest'],
  [memoryUpdateSchema, 'UpdateMemoryRequest'],
  [searchRequestSchema, 'SearchRequest'],
  [batchRequestSchema, 'BatchRequest'],
  [relationRequestSchema, 'RelationRequest'],
  [feedbackSchema, 'FeedbackRequest'],
  [webhookCreateSchema, 'WebhookRequest'],
]);

const pascal = (operationId: string) =>
  operationId
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Response schemas as components, converted together so a schema used inside another (Memory
 * inside SearchResponse) is a reference to its component, not a copy.
 */
function responseSchemas(extra: Map<z.ZodType, string>): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of responseComponents) registry.add(schema, { id });
  for (const [schema, id] of extra) if (!registry.has(schema)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
}

/** OpenAPI 3.1, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const shared: Record<string, unknown> = {};
  const responseNames = new Map([...responseComponents].map(([id, schema]) => [schema, id]));
  const pluginResponses = new Map<z.ZodType, string>();
  for (const route of routes) {
    // A route at its prefix's root (/mcp) is published without a trailing slash.
    const path = `${prefixOf(route)}${route.path.replace(/:(\w+)/g, '{$1}')}`.replace(/(.)\/$/, '$1');
    const operationId = `${route.method}_${`${prefixOf(route) === '/v1' ? '' : prefixOf(route)}${route.path}`.replace(/[/:]+/g, '_').replace(/^_|_$/g, '')}`;
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
    if (route.body) {
      const name = requestNames.get(route.body) ?? `${pascal(operationId)}Request`;
      shared[name] ??= hoistDefs(toSchema(route.body), shared);
    }
    let responseName: string | undefined;
    if (route.response) {
      responseName = responseNames.get(route.response) ?? pluginResponses.get(route.response);
      if (!responseName) {
        responseName = `${pascal(operationId)}Response`;
        pluginResponses.set(route.response, responseName);
      }
    }
    const success = {
      description: 'Success',
      content: {
        'application/json': {
          schema: responseName ? ref(responseName) : { description: 'JSON, as the summary describes' },
        },
      },
    };
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId,
      parameters: [...pathParams, ...queryParams],
      ...(route.body && {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: ref(requestNames.get(route.body) ?? `${pascal(operationId)}Request`),
            },
          },
        },
      }),
      responses: {
        [String(route.status ?? 200)]: success,
        ...(route.alternateStatus && { [String(route.alternateStatus)]: success }),
        ...Object.fromEntries(errorStatuses(route).map((status) => [String(status), problemOf(route)])),
      },
      security: route.public ? [] : [{ bearer: [] }, { apiKey: [] }],
    };
  }
  Object.assign(shared, responseSchemas(pluginResponses));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Engram API',
      version,
      description: 'Memory for AI applications: store, search, relate and learn from retrieval.',
      license: { name: 'MIT', identifier: 'MIT' },
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

/**
 * The reference page: Swagger UI from the swagger-ui-dist package, served by this server (no
 * CDN: self-hosted servers are often offline), with its try-it panel and key authorization.
 * No inline script, so the page runs under a CSP that allows scripts from this origin only.
 */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Engram API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

export const docsInit = `SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: true,
  displayRequestDuration: true,
});`;

/** Where swagger-ui-dist's files are (resolved, not bundled: they are served as they ship). */
export const swaggerUiDir = (): string => dirname(require.resolve('swagger-ui-dist/package.json'));
