import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { EngramError } from '../errors';

const toggle = (description: string) => z.object({ enabled: z.boolean().describe(description) }).strict();

/** Edition settings: limits and switches that plugins read. Which plugins run is decided by the app. */
export const configSchema = z
  .object({
    /** Informational label; behaviour comes from the composed plugins, never from this value. */
    edition: z.enum(['opensource', 'cloud']),
    rate_limiting: toggle('Compose the rate limiter (ee): requests per minute per project, by plan'),
    subscription_enforcement: toggle('Compose plan enforcement and usage metering (ee): quotas by plan'),
    advanced_analytics: toggle('Compose the analytics dashboard and its rollups of the logs (ee)'),
    model_training: toggle('Compose rerankers trained on retrieval logs and feedback (ee)'),
    query_logging: z
      .object({
        enabled: z.boolean().describe('Write a QueryLog for every search'),
        store_retrieval_logs: z.boolean().describe('Write one MemoryRetrievalLog per returned memory'),
      })
      .strict(),
    batch_processing: z
      .object({
        max_batch_size: z.number().int().min(1).max(100_000).describe('Most items one batch may carry'),
        max_batch_bytes: z.number().int().min(1024).describe('Largest batch request body, in bytes'),
      })
      .strict(),
    memory: z
      .object({
        max_content_bytes: z.number().int().min(1).describe('Largest memory content, UTF-8 bytes'),
        dedupe: z
          .boolean()
          .default(true)
          .describe(
            'An add identical to a current memory (content, scope, metadata) returns it instead of a copy',
          ),
      })
      .strict(),
    search: z
      .object({
        default_top_k: z.number().int().min(1).describe('Results returned when top_k is not given'),
        max_top_k: z
          .number()
          .int()
          .min(1)
          .max(100)
          .describe('Largest top_k a caller may ask for (100 at most)'),
        rrf_k: z
          .number()
          .min(1)
          .describe('k of reciprocal rank fusion: smaller favours the top of each ranking more'),
        weights: z
          .object({
            vector: z.number().min(0).describe('Weight of the embedding kNN ranking in the fusion'),
            text: z.number().min(0).describe('Weight of the BM25 ranking'),
            graph: z.number().min(0).describe('Weight of the shared-entity ranking'),
            context: z
              .number()
              .min(0)
              .max(1)
              .describe("Share of a top hit's score given to its session neighbours"),
          })
          .strict()
          .describe('Weighted reciprocal rank fusion; set by `pnpm bench` on LoCoMo, see README'),
        relevance: z
          .object({
            features: z.array(z.string()),
            mean: z.array(z.number()),
            scale: z.array(z.number()),
            weights: z.array(z.number()),
            bias: z.number(),
          })
          .strict()
          .nullable()
          .optional()
          .describe(
            "The logistic model turning a result's signals into its calibrated `score` (bench/src/calibrate.ts); null: scores are the fused rank values",
          ),
        ranking: z
          .looseObject({})
          .nullable()
          .optional()
          .describe(
            'The ranking model reordering the first results (bench/src/trained-reranker.ts); null: the calibrated order',
          ),
      })
      .strict(),
    webhooks: z
      .object({
        max_attempts: z
          .number()
          .int()
          .min(1)
          .max(30)
          .describe('Delivery attempts before a delivery is marked failed'),
        timeout_ms: z.number().int().min(100).describe('Per-attempt HTTP timeout'),
      })
      .strict(),
    requests: z
      .object({
        time_budget_ms: z
          .number()
          .int()
          .min(100)
          .describe('A request not answered within this time gets 503 time_budget_exceeded'),
        max_json_depth: z
          .number()
          .int()
          .min(4)
          .max(256)
          .describe('Deepest nesting of objects and arrays accepted in a request body'),
      })
      .strict(),
    compute: z
      .object({
        threads: z
          .number()
          .int()
          .min(0)
          .max(256)
          .describe('Worker threads for entity extraction; 0: one per core less the HTTP thread'),
        extraction_budget_ms: z
          .number()
          .int()
          .min(100)
          .describe("Longest one memory's entity extraction may run; past it the memory keeps no entities"),
      })
      .strict(),
    telemetry: toggle(
      'Send anonymous usage telemetry (also off with ENGRAM_TELEMETRY=off or DO_NOT_TRACK=1)',
    ),
  })
  .strict();

export type EngramConfig = z.infer<typeof configSchema>;

type Tree = { [key: string]: unknown };

/** Coerces an environment string to the type the yaml default had. */
function coerce(raw: string, current: unknown): unknown {
  if (typeof current === 'number') return raw.trim() === '' ? Number.NaN : Number(raw);
  if (typeof current === 'boolean') {
    if (/^(1|true|on|yes)$/i.test(raw)) return true;
    if (/^(0|false|off|no)$/i.test(raw)) return false;
    return raw;
  }
  return raw;
}

/** Applies ENGRAM_A__B=value overrides to keys that exist in the tree; unknown keys are an error. */
function applyEnv(tree: Tree, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ENGRAM_') || !name.includes('__') || value === undefined) continue;
    const path = name.slice('ENGRAM_'.length).toLowerCase().split('__');
    let node: Tree = tree;
    for (const [i, key] of path.entries()) {
      if (!(key in node)) {
        throw new EngramError(
          'config_invalid',
          `Unknown configuration key from ${name}: ${path.slice(0, i + 1).join('.')}`,
        );
      }
      if (i === path.length - 1) node[key] = coerce(value, node[key]);
      else node = node[key] as Tree;
    }
  }
}

/**
 * Validates an edition tree. `sections` are the schemas of sections that providers own (ee's
 * plans, for instance): with them the tree may carry those sections, validated as strictly as
 * core's; without them, a section nobody owns is an unknown key.
 */
export function parseConfig(
  input: unknown,
  env: NodeJS.ProcessEnv = {},
  source = 'config',
  sections: z.ZodRawShape = {},
): EngramConfig {
  const tree = structuredClone(input) as Tree;
  applyEnv(tree, env);
  const result = configSchema.extend(sections).safeParse(tree);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EngramError('config_invalid', `Invalid configuration in ${source}:\n${lines.join('\n')}`, {
      errors: result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  }
  // Core's sections are typed; providers read their own sections through their schemas.
  return result.data as EngramConfig;
}

/** Reads a yaml edition file, applies environment overrides and validates. Throws on any bad key. */
export function loadConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  sections: z.ZodRawShape = {},
): EngramConfig {
  return parseConfig(parse(readFileSync(file, 'utf8')), env, file, sections);
}
