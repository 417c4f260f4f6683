import type { EntitlementDecision, Entitlements, MemoryStore, UsageEvent, UsageMeter } from '@engram/core';
import { z } from 'zod';
import type { TenancyStore } from './tenancy-store';

const limit = z.number().int().min(1).nullable().describe('null: no limit');

export const planSchema = z
  .object({
    requests_per_minute: z.number().int().min(1).describe('Sustained requests per minute per project'),
    burst: z.number().int().min(1).describe('Requests a project may make at once (the bucket size)'),
    key_requests_per_minute: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Also limit each API key of a project to this rate (its burst: key_burst)'),
    key_burst: z.number().int().min(1).optional(),
    stored_memories: limit,
    memories_per_month: limit,
    searches_per_month: limit,
    max_batch: z.number().int().min(1).describe('Largest batch one request may carry'),
    features: z.array(z.enum(['analytics', 'trained_models', 'sso'])),
    slo: z
      .object({
        availability: z.number().gt(0).lt(1).describe('Share of requests answered without a 5xx, e.g. 0.999'),
        search_p95_ms: z.number().int().min(1).describe('Search latency p95 target'),
      })
      .strict()
      .describe('Service level objectives; docker/prometheus/engram-rules.yml alerts on them'),
    stripe_price: z
      .string()
      .min(1)
      .optional()
      .describe('The Stripe price whose subscription puts an org on this plan'),
  })
  .strict();
export type Plan = z.infer<typeof planSchema>;

/** The `plans` section of the cloud edition file: the catalogue, its default, where to upgrade. */
export const plansSection = {
  plans: z
    .object({
      default: z.string().min(1),
      upgrade_url: z.url(),
      catalog: z.record(z.string().min(1), planSchema),
    })
    .strict()
    .refine((p) => p.catalog[p.default] !== undefined, 'default must name a plan of the catalog'),
};
export type PlanCatalog = z.infer<(typeof plansSection)['plans']>;

/**
 * Which plan a project is on: its organisation's, else the catalogue's default. Looked up per
 * request, so a short cache keeps it off the store; a plan changed in this process is seen at
 * once, one changed by another replica within `ttlMs`.
 */
export class PlanBook {
  /** Every book of this process (the limiter's, the quotas', Stripe's): a change clears them all. */
  private static readonly books = new Set<WeakRef<PlanBook>>();
  private readonly cache = new Map<string, { name: string; plan: Plan; until: number }>();

  constructor(
    private readonly store: TenancyStore,
    readonly catalog: PlanCatalog,
    private readonly ttlMs = 5000,
  ) {
    PlanBook.books.add(new WeakRef(this));
  }

  async of(projectId: string): Promise<{ name: string; plan: Plan } | null> {
    const cached = this.cache.get(projectId);
    if (cached && cached.until > Date.now()) return cached;
    const project = await this.store.getProject(projectId);
    if (!project) return null; // the platform admin, or a tenant this store does not know
    const org = await this.store.getOrg(project.org_id);
    const name = org?.plan && this.catalog.catalog[org.plan] ? org.plan : this.catalog.default;
    const found = { name, plan: this.catalog.catalog[name]!, until: Date.now() + this.ttlMs };
    this.cache.set(projectId, found);
    return found;
  }

  /** After a plan change here: every book in this process reads the store again. */
  forget(): void {
    for (const ref of PlanBook.books) {
      const book = ref.deref();
      if (book) book.cache.clear();
      else PlanBook.books.delete(ref);
    }
  }
}

const monthStart = (now = new Date()) => `${now.toISOString().slice(0, 7)}-01T00:00:00.000Z`;

/** Usage recorded in the tenancy store, by event id: a retried or replayed event counts once. */
export class StoredUsageMeter implements UsageMeter {
  constructor(private readonly store: TenancyStore) {}

  async record(events: UsageEvent[]): Promise<void> {
    const at = new Date().toISOString();
    await this.store.recordUsage(
      events.map((e) => ({ id: e.id, project_id: e.tenantId, metric: e.metric, quantity: e.quantity, at })),
    );
  }
}

/** What the plan allows, checked against the usage recorded this month and what is stored now. */
export class PlanEntitlements implements Entitlements {
  constructor(
    private readonly plans: PlanBook,
    private readonly store: TenancyStore,
    private readonly memories: () => MemoryStore,
  ) {}

  async check(tenantId: string, feature: string, quantity: number): Promise<EntitlementDecision> {
    const found = await this.plans.of(tenantId);
    if (!found) return { allowed: true };
    const { name, plan } = found;
    const refuse = (what: string, limitValue: number, usage: number): EntitlementDecision => ({
      allowed: false,
      kind: 'payment',
      remaining: Math.max(0, limitValue - usage),
      reason:
        `the ${name} plan allows ${limitValue} ${what}; ${usage} are used and this needs ${quantity} more. ` +
        `Upgrade at ${this.plans.catalog.upgrade_url}`,
      details: {
        limit: what,
        limit_value: limitValue,
        usage,
        requested: quantity,
        plan: name,
        upgrade_url: this.plans.catalog.upgrade_url,
      },
    });
    if (feature === 'batch_items' && quantity > plan.max_batch)
      return refuse('items per batch', plan.max_batch, 0);
    if (feature === 'memories') {
      if (plan.stored_memories !== null) {
        const stored = await this.memories().count(tenantId);
        if (stored + quantity > plan.stored_memories)
          return refuse('stored memories', plan.stored_memories, stored);
      }
      if (plan.memories_per_month !== null) {
        const added = await this.monthly(tenantId, 'memories_added');
        if (added + quantity > plan.memories_per_month)
          return refuse('memories added per month', plan.memories_per_month, added);
      }
    }
    if (feature === 'searches' && plan.searches_per_month !== null) {
      const searches = await this.monthly(tenantId, 'searches');
      if (searches + quantity > plan.searches_per_month)
        return refuse('searches per month', plan.searches_per_month, searches);
    }
    return { allowed: true };
  }

  private async monthly(projectId: string, metric: string): Promise<number> {
    const rows = await this.store.usageByDay(projectId, monthStart(), '9999-12-31T00:00:00.000Z');
    return rows.filter((r) => r.metric === metric).reduce((sum, r) => sum + r.quantity, 0);
  }
}

/**
 * Whether a project's plan includes a feature (analytics, trained models, SSO): refused with
 * `kind: 'feature'`, which the API answers 403 naming the plan and where to upgrade.
 */
export function planFeature(book: PlanBook, feature: Plan['features'][number]) {
  return async (projectId: string): Promise<EntitlementDecision> => {
    const found = await book.of(projectId);
    if (!found || found.plan.features.includes(feature)) return { allowed: true };
    return {
      allowed: false,
      kind: 'feature',
      reason: `${feature} is not in the ${found.name} plan; upgrade at ${book.catalog.upgrade_url}`,
      details: { feature, plan: found.name, upgrade_url: book.catalog.upgrade_url },
    };
  };
}
