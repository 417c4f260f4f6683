import {
  EngramError,
  type EngramPlugin,
  entitlementError,
  nowIso,
  type Ports,
  type Principal,
  type RouteSpec,
  requireParam,
  validate,
} from '@engram/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import { PlanBook, type PlanCatalog, planFeature } from '../plans';
import type { TenancyStore } from '../tenancy-store';
import type { ModelStore, ModelVersion } from './model-store';
import { DEFAULT_PROMOTION_MARGIN, ModelRegistry, TrainedReranker } from './registry';

export const MODELS_MANAGE = 'models:manage';
const DAY_MS = 86_400_000;
const TRAINING_DAYS = 90;

const trainBody = z
  .object({
    since: z.iso.datetime().describe('Oldest search to learn from (default: 90 days ago)'),
    until: z.iso.datetime().describe('Newest search to learn from (default: now)'),
  })
  .partial()
  .strict();
const promoteBody = z
  .object({
    margin: z
      .number()
      .min(0)
      .max(1)
      .describe('nDCG@10 the version must gain over no model and the active one'),
    force: z.boolean().describe('Promote whatever it measured (an operator decision, logged)'),
  })
  .partial()
  .strict();

/** A version as the API shows it: without the per-memory feedback table the model carries. */
const view = (v: ModelVersion | null) =>
  v && {
    ...v,
    model: v.model && {
      ...v.model,
      usefulness: undefined,
      usefulness_memories: Object.keys(v.model.usefulness).length,
    },
  };

export interface RankingPluginOptions {
  open: () => Promise<{ models: ModelStore; tenancy: TenancyStore }>;
  plans?: PlanCatalog;
  /** Hours between scheduled trainings in the `model-trainer` role. */
  everyHours: number;
  margin?: number;
}

/**
 * Rerankers trained on retrieval logs and feedback (ee): fills core's Reranker port with each
 * project's active model, adds /v1/models (train, evaluate, promote, roll back), and offers the
 * `model-trainer` role (`engram-cloud model-trainer`) that retrains every project on a schedule
 * and promotes a version only when it measured better on held-out searches.
 */
export function rankingPlugin(options: RankingPluginOptions): EngramPlugin & {
  roles: Record<
    string,
    (engram: { ports: Ports }, logger: Logger) => Promise<{ stop(): Promise<void>; done: Promise<void> }>
  >;
} {
  let opened: { models: ModelStore; tenancy: TenancyStore } | null = null;
  let ports: Ports | null = null;
  let registry: ModelRegistry | null = null;
  let book: PlanBook | undefined;
  const margin = options.margin ?? DEFAULT_PROMOTION_MARGIN;
  const stores = () => {
    if (!ports) throw new EngramError('dependency_unavailable', 'the server is starting');
    return { logStore: ports.logStore, memoryStore: ports.memoryStore };
  };
  const lastDays = (days: number) => ({
    since: new Date(Date.now() - days * DAY_MS).toISOString(),
    until: nowIso(),
  });

  return {
    name: 'ee-ranking',
    async setup(ctx) {
      opened = await options.open();
      registry = new ModelRegistry(opened.models, stores);
      book = options.plans ? new PlanBook(opened.tenancy, options.plans) : undefined;
      const feature = book ? planFeature(book, 'trained_models') : undefined;
      ctx.provide('reranker', new TrainedReranker(registry));
      ctx.onReady((_services, p) => {
        ports = p;
      });
      const allowed = async (principal: Principal) => {
        const decision = feature ? await feature(principal.tenant_id) : { allowed: true as const };
        if (!decision.allowed) throw entitlementError(decision, 'trained models are not in this plan');
      };
      const versionParam = (raw: string) => {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1)
          throw new EngramError('not_found', `model version ${raw} was not found`);
        return n;
      };
      const reg = registry;
      const routes: RouteSpec[] = [
        {
          method: 'get',
          path: '/models',
          summary: "This project's trained reranker versions, newest first, with their held-out evaluation",
          tag: 'models',
          action: MODELS_MANAGE,
          handler: async ({ principal }) => {
            await allowed(principal);
            const versions = await reg.list(principal.tenant_id);
            return {
              active: view(versions.find((v) => v.status === 'active') ?? null),
              data: versions.map(view),
            };
          },
        },
        {
          method: 'get',
          path: '/models/:version',
          summary: 'One version: its status (training, failed, candidate, active...), evaluation and model',
          tag: 'models',
          action: MODELS_MANAGE,
          errors: [404],
          handler: async ({ req, principal }) => {
            await allowed(principal);
            const number = versionParam(requireParam(req, 'version'));
            const version = (await reg.list(principal.tenant_id)).find((v) => v.version === number);
            if (!version) throw new EngramError('not_found', `model version ${number} was not found`);
            return view(version);
          },
        },
        {
          method: 'post',
          path: '/models/train',
          summary:
            'Start training a reranker from the logs and feedback of a window (answers at once, status training); ' +
            'evaluated on held-out searches',
          tag: 'models',
          action: MODELS_MANAGE,
          body: trainBody,
          status: 202,
          errors: [409],
          handler: async ({ req, principal }) => {
            await allowed(principal);
            const body = validate(trainBody, req.body ?? {});
            const window = { ...lastDays(TRAINING_DAYS), ...body };
            const { version, done } = await reg.start(principal.tenant_id, window);
            done.catch((err) =>
              ctx.logger.error(
                { err, project: principal.tenant_id, version: version.version },
                'model training failed',
              ),
            );
            return view(version);
          },
        },
        {
          method: 'post',
          path: '/models/:version/promote',
          summary:
            'Serve a trained version, if it measured better than no model and the active one by a margin',
          tag: 'models',
          action: MODELS_MANAGE,
          body: promoteBody,
          errors: [404, 409],
          handler: async ({ req, principal }) => {
            await allowed(principal);
            const body = validate(promoteBody, req.body ?? {});
            const version = versionParam(requireParam(req, 'version'));
            if (body.force)
              ctx.logger.warn({ project: principal.tenant_id, version }, 'model promoted by force');
            return view(
              await reg.promote(principal.tenant_id, version, {
                margin: body.margin ?? margin,
                force: body.force,
              }),
            );
          },
        },
        {
          method: 'post',
          path: '/models/rollback',
          summary: 'Retire the active version and serve the one before it (none: the fused ranking)',
          tag: 'models',
          action: MODELS_MANAGE,
          errors: [409],
          handler: async ({ principal }) => {
            await allowed(principal);
            return { active: view(await reg.rollback(principal.tenant_id)) };
          },
        },
      ];
      ctx.http.routes.push(...routes);
    },
    async shutdown() {
      await registry?.close();
      await opened?.models.close();
      await opened?.tenancy.close();
      opened = null;
    },
    roles: {
      'model-trainer': async (_engram, logger) => {
        let timer: NodeJS.Timeout | null = null;
        let finish: () => void = () => undefined;
        const done = new Promise<void>((resolve) => {
          finish = resolve;
        });
        const round = async () => {
          const outcome = await trainEveryProject(
            opened!.tenancy,
            registry!,
            book,
            lastDays(TRAINING_DAYS),
            margin,
          );
          logger.info(outcome, 'scheduled model training');
        };
        const loop = async () => {
          await round().catch((err) => logger.error({ err }, 'scheduled model training failed'));
          timer = setTimeout(loop, options.everyHours * 3_600_000);
        };
        void loop();
        return {
          async stop() {
            if (timer) clearTimeout(timer);
            finish();
          },
          done,
        };
      },
    },
  };
}

/** One scheduled round: each project whose plan has trained models is trained, and promoted if better. */
export async function trainEveryProject(
  tenancy: TenancyStore,
  registry: ModelRegistry,
  book: PlanBook | undefined,
  window: { since: string; until: string },
  margin: number,
) {
  const outcome = { trained: 0, promoted: 0, skipped: 0, failed: 0 };
  for (const project of await tenancy.listProjects(null)) {
    const plan = book ? await book.of(project.id) : null;
    if (book && !plan?.plan.features.includes('trained_models')) {
      outcome.skipped++;
      continue;
    }
    try {
      const version = await registry.train(project.id, window);
      outcome.trained++;
      await registry.promote(project.id, version.version, { margin });
      outcome.promoted++;
    } catch (err) {
      // Too little feedback, already training, or not better: the active version stays. A fit
      // that failed is saved as a failed version and does not stop the other projects.
      if (err instanceof EngramError) outcome.skipped++;
      else outcome.failed++;
    }
  }
  return outcome;
}
