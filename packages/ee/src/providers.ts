import path from 'node:path';
import { defineProvider, type EngramPlugin, keyHashes, type Provider } from '@engram/core';
import { z } from 'zod';
import { MongoRollups } from './analytics/mongo-rollups';
import { analyticsPlugin } from './analytics/plugin';
import { SqliteRollups } from './analytics/sqlite-rollups';
import { plansPlugin, rateLimitPlugin } from './billing';
import { PlanBook, type PlanCatalog, plansSection } from './plans';
import { openTenancyStore, type TenancyPluginOptions, tenancyPlugin } from './plugin';
import { MongoModelStore, SqliteModelStore } from './ranking/model-store';
import { rankingPlugin } from './ranking/plugin';
import { stripePlugin } from './stripe';
import { type TemporalBatchesConfig, temporalBatchesSection, temporalBatchPlugin } from './temporal/plugin';

const mongoUrl = z
  .url()
  .optional()
  .describe('MongoDB (or FerretDB): also holds the tenants in the cloud edition');

/** Tenants live beside the documents: in MongoDB when it holds them, else a SQLite file. */
const tenancyAt = (url: string | undefined, dataDir: string): TenancyPluginOptions['store'] =>
  url ? { mongoUrl: url } : { sqlite: path.join(dataDir, 'tenancy.db') };

const text = (what: string) => z.string().min(1).optional().describe(what);

/**
 * Multi-tenancy: organisations, projects, project keys, RBAC, SSO and identified telemetry,
 * with the admin API. Fills the authenticator and authorizer (and telemetry with Amplitude).
 */
export const tenancyProvider = defineProvider({
  name: 'ee-tenancy',
  ports: ['authenticator', 'authorizer', 'telemetry'],
  description: 'Organisations, projects, project keys, RBAC, SSO (OIDC) and the admin API',
  settings: z.object({
    ENGRAM_ADMIN_KEY: text(
      'Platform admin key (cloud); unset: one is generated on first start and printed once',
    ),
    ENGRAM_OIDC_ISSUER: z
      .url()
      .optional()
      .describe('SSO: OIDC issuer (Auth0 or any), with _AUDIENCE and _JWKS_URI'),
    ENGRAM_OIDC_AUDIENCE: text('SSO: expected audience of access tokens'),
    ENGRAM_OIDC_JWKS_URI: z.url().optional().describe("SSO: the issuer's signing keys"),
    ENGRAM_AMPLITUDE_API_KEY: text('Identified telemetry (cloud): Amplitude API key'),
    ENGRAM_AMPLITUDE_SERVER_URL: z
      .url()
      .optional()
      .describe('Amplitude HTTP API endpoint (default: Amplitude)'),
    MONGODB_URL: z
      .url()
      .optional()
      .describe('MongoDB (or FerretDB): also holds the tenants in the cloud edition'),
  }),
  create: (s, ctx) => {
    const { ENGRAM_OIDC_ISSUER: issuer, ENGRAM_OIDC_AUDIENCE: audience, ENGRAM_OIDC_JWKS_URI: jwksUri } = s;
    const some = issuer || audience || jwksUri;
    if (some && !(issuer && audience && jwksUri)) {
      throw new Error('SSO needs all of ENGRAM_OIDC_ISSUER, ENGRAM_OIDC_AUDIENCE and ENGRAM_OIDC_JWKS_URI');
    }
    const admin = keyHashes(
      path.join(ctx.dataDir, 'admin-key.json'),
      s.ENGRAM_ADMIN_KEY ? [s.ENGRAM_ADMIN_KEY] : [],
    );
    const plugin: EngramPlugin & { startupNotice?: string; generatedKey?: string } = tenancyPlugin({
      store: tenancyAt(s.MONGODB_URL, ctx.dataDir),
      platformKeyHash: admin.hashes[0] ?? null,
      plans: ctx.config.subscription_enforcement.enabled ? (ctx.config.plans as PlanCatalog) : undefined,
      oidc: issuer && audience && jwksUri ? { issuer, audience, jwksUri } : undefined,
      amplitude:
        s.ENGRAM_AMPLITUDE_API_KEY && ctx.telemetry
          ? { apiKey: s.ENGRAM_AMPLITUDE_API_KEY, serverUrl: s.ENGRAM_AMPLITUDE_SERVER_URL }
          : undefined,
    });
    if (admin.generated) {
      plugin.generatedKey = admin.generated;
      plugin.startupNotice =
        `Platform admin key (shown only now; only its hash is stored):\n\n    ${admin.generated}\n\n` +
        `  Create an organisation: curl -X POST -H "Authorization: Bearer <key>" -H 'content-type: application/json' \\\n` +
        `    -d '{"name":"acme"}' http://localhost:$PORT/v1/admin/orgs`;
    }
    return plugin;
  },
});

/** Rate limits per project by plan; composed when the edition's `rate_limiting.enabled` is on. */
export const rateLimitProvider = defineProvider({
  name: 'ee-rate-limit',
  ports: ['rateLimiter'],
  description: 'Token-bucket rate limits per project by plan, shared in Redis (in process without it)',
  settings: z.object({
    REDIS_URL: z.url().optional().describe('Redis for background work (BullMQ)'),
    ENGRAM_RATE_LIMIT_REDIS_URL: z.url().optional().describe('Redis for rate limits (default: REDIS_URL)'),
    MONGODB_URL: mongoUrl,
  }),
  config: plansSection,
  enabled: (_s, ctx) => ctx.config.rate_limiting.enabled,
  create: (s, ctx) =>
    rateLimitPlugin({
      open: () => openTenancyStore(tenancyAt(s.MONGODB_URL, ctx.dataDir)),
      plans: ctx.config.plans as PlanCatalog,
      redisUrl: s.ENGRAM_RATE_LIMIT_REDIS_URL ?? s.REDIS_URL,
    }),
});

/** Plans and usage metering; composed when the edition's `subscription_enforcement.enabled` is on. */
export const plansProvider = defineProvider({
  name: 'ee-plans',
  ports: ['entitlements', 'usageMeter'],
  description: 'Plan quotas (402 when spent) and exact usage metering, with GET /v1/usage',
  settings: z.object({ MONGODB_URL: mongoUrl }),
  config: plansSection,
  enabled: (_s, ctx) => ctx.config.subscription_enforcement.enabled,
  create: (s, ctx) =>
    plansPlugin({
      open: () => openTenancyStore(tenancyAt(s.MONGODB_URL, ctx.dataDir)),
      plans: ctx.config.plans as PlanCatalog,
    }),
});

/** Stripe's signed webhook changes plans; composed with plan enforcement when a signing secret is set. */
export const stripeProvider = defineProvider({
  name: 'ee-stripe',
  ports: [],
  description: "Stripe's webhook endpoint: subscription events change an organisation's plan",
  settings: z.object({
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, 'a whsec_ signing secret')
      .optional()
      .describe("The Stripe webhook endpoint's signing secret"),
    STRIPE_API_KEY: z.string().min(1).optional().describe('Stripe API key (checkout and portal links)'),
    STRIPE_API_BASE: z.url().optional().describe("Another Stripe API base, e.g. stripe-mock's"),
    MONGODB_URL: mongoUrl,
  }),
  config: plansSection,
  enabled: (s, ctx) =>
    ctx.config.subscription_enforcement.enabled && Boolean(s.STRIPE_WEBHOOK_SECRET || s.STRIPE_API_KEY),
  create: (s, ctx) =>
    stripePlugin({
      webhookSecret: s.STRIPE_WEBHOOK_SECRET,
      apiKey: s.STRIPE_API_KEY,
      apiBase: s.STRIPE_API_BASE,
      plans: ctx.config.plans as PlanCatalog,
      open: () => openTenancyStore(tenancyAt(s.MONGODB_URL, ctx.dataDir)),
      book: (store) => new PlanBook(store, ctx.config.plans as PlanCatalog),
    }),
});

/**
 * Guaranteed batches: with TEMPORAL_ADDRESS set, batches above `temporal_batches.threshold` run
 * as Temporal workflows, and `engram-cloud worker` processes run them.
 */
export const temporalBatchProvider = defineProvider({
  name: 'ee-temporal-batches',
  ports: ['batchProcessor'],
  description: 'Large batches (up to 10,000) as Temporal workflows; `engram-cloud worker` runs them',
  settings: z.object({
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:/]+:\d+$/, 'host:port of the Temporal frontend')
      .optional()
      .describe('Temporal frontend (host:port): large batches run as workflows'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace'),
    ENGRAM_TEMPORAL_TASK_QUEUE: z
      .string()
      .min(1)
      .default('engram-batches')
      .describe('Task queue the batch workers poll'),
  }),
  config: temporalBatchesSection,
  enabled: (s) => Boolean(s.TEMPORAL_ADDRESS),
  create: (s, ctx) =>
    temporalBatchPlugin({
      address: s.TEMPORAL_ADDRESS!,
      namespace: s.TEMPORAL_NAMESPACE,
      taskQueue: s.ENGRAM_TEMPORAL_TASK_QUEUE,
      maxBatchSize: ctx.config.batch_processing.max_batch_size,
      config: ctx.config.temporal_batches as TemporalBatchesConfig,
    }),
});

/**
 * The analytics dashboard and its rollups, beside the documents (MongoDB when it holds them,
 * else `analytics.db`); composed when the edition's `advanced_analytics.enabled` is on.
 */
export const analyticsProvider = defineProvider({
  name: 'ee-analytics',
  ports: ['logStore', 'authenticator'],
  description: 'Rollups of the query logs, GET /v1/analytics/*, and the dashboard at /dashboard',
  settings: z.object({ MONGODB_URL: mongoUrl }),
  config: plansSection,
  enabled: (_s, ctx) => ctx.config.advanced_analytics.enabled,
  create: (s, ctx) =>
    analyticsPlugin({
      open: async () => ({
        rollups: s.MONGODB_URL
          ? await MongoRollups.open(s.MONGODB_URL)
          : new SqliteRollups(path.join(ctx.dataDir, 'analytics.db')),
        tenancy: await openTenancyStore(tenancyAt(s.MONGODB_URL, ctx.dataDir)),
      }),
      plans: ctx.config.subscription_enforcement.enabled ? (ctx.config.plans as PlanCatalog) : undefined,
    }),
});

/**
 * Rerankers trained on each project's retrieval logs and feedback, with /v1/models and the
 * `model-trainer` role; composed when the edition's `model_training.enabled` is on.
 */
export const rankingProvider = defineProvider({
  name: 'ee-ranking',
  ports: ['reranker'],
  description: 'Rerankers trained on retrieval logs and feedback: /v1/models, `engram-cloud model-trainer`',
  settings: z.object({
    MONGODB_URL: mongoUrl,
    ENGRAM_MODEL_TRAINING_EVERY_HOURS: z.coerce
      .number()
      .positive()
      .default(24)
      .describe('Hours between scheduled trainings (the model-trainer role)'),
  }),
  config: plansSection,
  enabled: (_s, ctx) => ctx.config.model_training.enabled,
  create: (s, ctx) =>
    rankingPlugin({
      open: async () => ({
        models: s.MONGODB_URL
          ? await MongoModelStore.open(s.MONGODB_URL)
          : new SqliteModelStore(path.join(ctx.dataDir, 'models.db')),
        tenancy: await openTenancyStore(tenancyAt(s.MONGODB_URL, ctx.dataDir)),
      }),
      plans: ctx.config.subscription_enforcement.enabled ? (ctx.config.plans as PlanCatalog) : undefined,
      everyHours: s.ENGRAM_MODEL_TRAINING_EVERY_HOURS,
    }),
});

/** ee's providers, in composition order (after the storage and model providers). */
export const eeProviders: Provider[] = [
  tenancyProvider,
  rateLimitProvider,
  plansProvider,
  stripeProvider,
  temporalBatchProvider,
  analyticsProvider,
  rankingProvider,
] as Provider[];
