import {
  EngramError,
  type EngramPlugin,
  entitlementError,
  type LogStore,
  nowIso,
  type Ports,
  type Principal,
  type RouteSpec,
  requireParam,
} from '@engram/core';
import { z } from 'zod';
import { PlanBook, type PlanCatalog, planFeature } from '../plans';
import type { TenancyStore } from '../tenancy-store';
import { DashboardAuthenticator, dashboardPages } from './dashboard';
import { overview } from './overview';
import { type RollupBackend, Rollups } from './rollups';

export const ANALYTICS_READ = 'analytics:read';
/** Roles that see their whole organisation's analytics, beside their own project's. */
const ORG_ROLES = new Set(['owner', 'admin']);
const MAX_RANGE_DAYS = 366;

const overviewQuery = z
  .object({
    from: z.iso.date().describe('First day (UTC), inclusive; default: 29 days before `to`'),
    to: z.iso.date().describe('Last day (UTC), inclusive; default: today'),
    scope: z
      .enum(['project', 'organization'])
      .default('project')
      .describe("`organization`: every project of the key's organisation (owner and admin keys)"),
    project: z.string().min(1).describe('With scope=organization: one of its projects only'),
  })
  .partial({ from: true, to: true, project: true });

export interface AnalyticsPluginOptions {
  open: () => Promise<{ rollups: RollupBackend; tenancy: TenancyStore }>;
  /** With plans enforced: analytics needs a plan with the `analytics` feature, and quotas are shown. */
  plans?: PlanCatalog;
}

/**
 * Analytics (ee): rollups kept as searches are logged (the log store is wrapped, so every
 * search and feedback is counted once, on SQLite or MongoDB), `GET /v1/analytics/*`, and the
 * dashboard at /dashboard.
 */
export function analyticsPlugin(options: AnalyticsPluginOptions): EngramPlugin {
  let opened: { rollups: RollupBackend; tenancy: TenancyStore } | null = null;
  return {
    name: 'ee-analytics',
    async setup(ctx) {
      opened = await options.open();
      const { tenancy } = opened;
      const rollups = new Rollups(opened.rollups);
      const book = options.plans ? new PlanBook(tenancy, options.plans) : undefined;
      const feature = book ? planFeature(book, 'analytics') : undefined;
      const inner = ctx.get('logStore');
      if (!inner) throw new Error('ee-analytics needs a log store: compose it after the storage providers');
      ctx.provide('logStore', countingLogStore(inner, rollups, ctx.logger), { replaces: true });
      const quietly = (what: string, work: Promise<void>) =>
        work.catch((err) => ctx.logger.warn({ err }, `analytics: could not count ${what}`));
      ctx.hooks.on('afterAdd', (m) =>
        quietly('an add', rollups.recordMemory('added', m.tenant_id, m.id, m.created_at)),
      );
      ctx.hooks.on('afterDelete', (m) =>
        quietly('a delete', rollups.recordMemory('deleted', m.tenant_id, m.id, nowIso())),
      );
      ctx.hooks.on('afterForget', (e) =>
        quietly('a forget', rollups.recordForgotten(e.tenantId, e.deleted, nowIso())),
      );

      const innerAuth = ctx.get('authenticator');
      if (!innerAuth) throw new Error('ee-analytics needs an authenticator: compose it after ee-tenancy');
      const authenticator = new DashboardAuthenticator(innerAuth, opened.rollups);
      ctx.provide('authenticator', authenticator, { replaces: true });

      let ports: Ports | null = null;
      ctx.onReady((_services, p) => {
        ports = p;
      });
      const ready = () => {
        if (!ports) throw new EngramError('dependency_unavailable', 'the server is starting');
        return ports;
      };
      const allowed = async (principal: Principal) => {
        const decision = feature ? await feature(principal.tenant_id) : { allowed: true as const };
        if (!decision.allowed) throw entitlementError(decision, 'analytics is not in this plan');
      };
      /** The projects a request may see: its own, or its organisation's for owners and admins. */
      const projectsOf = async (principal: Principal, scope: 'project' | 'organization', only?: string) => {
        const own = await tenancy.getProject(principal.tenant_id);
        if (scope === 'project') return [{ id: principal.tenant_id, name: own?.name ?? principal.tenant_id }];
        if (!own || !ORG_ROLES.has(principal.role ?? '')) {
          throw new EngramError('forbidden', 'the organisation view needs an owner or admin key', {
            action: ANALYTICS_READ,
          });
        }
        const all = (await tenancy.listProjects(own.org_id)).map((p) => ({ id: p.id, name: p.name }));
        if (!only) return all;
        const one = all.filter((p) => p.id === only);
        if (one.length === 0)
          throw new EngramError('not_found', `project ${only} is not in this organisation`);
        return one;
      };

      const routes: RouteSpec[] = [
        {
          method: 'get',
          path: '/analytics/overview',
          summary:
            'Searches, latency, zero results, queries, feedback, retrieval and growth over a range of days',
          tag: 'analytics',
          action: ANALYTICS_READ,
          query: overviewQuery,
          errors: [404],
          handler: async ({ principal, query }) => {
            await allowed(principal);
            const q = query as z.infer<typeof overviewQuery>;
            const { from, to } = range(q.from, q.to);
            const projects = await projectsOf(principal, q.scope ?? 'project', q.project);
            const p = ready();
            return overview(
              {
                rollups: opened!.rollups,
                memoryStore: p.memoryStore,
                webhookStore: p.webhookStore,
                plans: book ? { book, store: tenancy } : undefined,
              },
              { projects, from, to },
            );
          },
        },
        {
          method: 'get',
          path: '/analytics/searches/:id',
          summary:
            'One logged search: its query, each result with every signal and its score, and its feedback',
          tag: 'analytics',
          action: ANALYTICS_READ,
          query: z.object({ project: z.string().min(1).optional() }),
          errors: [404],
          handler: async ({ req, principal, query }) => {
            await allowed(principal);
            const only = (query as { project?: string }).project;
            const [project] = only
              ? await projectsOf(principal, 'organization', only)
              : [{ id: principal.tenant_id }];
            return exploreSearch(ready(), project!.id, requireParam(req, 'id'));
          },
        },
      ];
      ctx.http.routes.push(...routes);
      ctx.http.pages.push({
        path: '/dashboard',
        handler: dashboardPages({
          authenticate: (key) => innerAuth.authenticate({ headers: { authorization: `Bearer ${key}` } }),
          can: (principal) => Boolean(ports?.authorizer.can(principal, ANALYTICS_READ)),
          allowed,
          sessions: opened.rollups,
        }),
      });
    },
    async shutdown() {
      await opened?.rollups.close();
      await opened?.tenancy.close();
      opened = null;
    },
  };
}

/** The range asked for: default the 30 days to today; refused when reversed or over a year. */
function range(from?: string, to?: string): { from: string; to: string } {
  const end = to ?? new Date().toISOString().slice(0, 10);
  const start =
    from ?? new Date(Date.parse(`${end}T00:00:00.000Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  const fail = (message: string) =>
    new EngramError('validation_failed', message, { errors: [{ field: 'from', message }] });
  if (start > end) throw fail('from: must not be after `to`');
  if ((Date.parse(end) - Date.parse(start)) / 86_400_000 >= MAX_RANGE_DAYS)
    throw fail(`from: at most ${MAX_RANGE_DAYS} days`);
  return { from: start, to: end };
}

/** A logged search as the explorer shows it: each result's memory (null once deleted) and signals. */
async function exploreSearch(ports: Ports, tenantId: string, searchId: string) {
  const query = await ports.logStore.getQuery(tenantId, searchId);
  if (!query) throw new EngramError('not_found', `search ${searchId} was not found`);
  const retrievals = (await ports.logStore.listRetrievals(tenantId, { search_id: searchId }, { limit: 100 }))
    .data;
  const memories = new Map(
    (
      await ports.memoryStore.getMany(
        tenantId,
        retrievals.map((r) => r.memory_id),
      )
    ).map((m) => [m.id, m]),
  );
  const feedback = await ports.logStore.listFeedback(tenantId, searchId);
  // The graph around the results: the entities each mentions (the dashboard draws them).
  const mentioned = await ports.graphStore.entitiesOf(
    tenantId,
    retrievals.map((r) => r.memory_id),
  );
  return {
    search: query,
    results: retrievals
      .sort((a, b) => a.rank - b.rank)
      .map((r) => {
        const m = memories.get(r.memory_id);
        return {
          rank: r.rank,
          score: r.score,
          signals: r.signals,
          memory_id: r.memory_id,
          memory: m
            ? { content: m.content, user_id: m.user_id, session_id: m.session_id, created_at: m.created_at }
            : null,
          feedback: feedback.filter((f) => f.memory_id === r.memory_id).map((f) => f.signal),
          entities: (mentioned.get(r.memory_id) ?? []).map((e) => ({ id: e.id, name: e.name, kind: e.kind })),
        };
      }),
    feedback,
  };
}

/** The log store, counting into the rollups first: a failed append is retried, and counted once. */
function countingLogStore(
  inner: LogStore,
  rollups: Rollups,
  logger: { warn: (o: object, m: string) => void },
): LogStore {
  return {
    async append(queries, retrievals) {
      await rollups
        .recordSearches(queries, retrievals)
        .catch((err) => logger.warn({ err }, 'analytics: could not count logged searches'));
      await inner.append(queries, retrievals);
    },
    async addFeedback(feedback) {
      await inner.addFeedback(feedback);
      await rollups
        .recordFeedback(feedback)
        .catch((err) => logger.warn({ err }, 'analytics: could not count feedback'));
    },
    getQuery: (t, id) => inner.getQuery(t, id),
    listQueries: (t, f, p) => inner.listQueries(t, f, p),
    listRetrievals: (t, f, p) => inner.listRetrievals(t, f, p),
    listFeedback: (t, id) => inner.listFeedback(t, id),
  };
}
