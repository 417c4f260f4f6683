import {
  EngramError,
  type EngramPlugin,
  invalid,
  type RouteSpec,
  requireParam,
  validate,
} from '@engram/core';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { z } from 'zod';
import { PLATFORM_MANAGE } from './admin.routes';
import type { PlanBook, PlanCatalog } from './plans';
import type { TenancyStore } from './tenancy-store';

/** Subscription states in which the subscribed plan applies; any other returns the org to the default. */
const PAYING = new Set(['active', 'trialing', 'past_due']);

export interface StripeOptions {
  /** The endpoint's signing secret (whsec_…): only signed events are believed. Unset: no webhook. */
  webhookSecret?: string;
  /** The API key: checkout and portal links need it. Unset: no billing links. */
  apiKey?: string;
  /** Another API base (stripe-mock in tests), e.g. http://127.0.0.1:12111. */
  apiBase?: string;
  plans: PlanCatalog;
}

/** The Stripe client, pointed at `apiBase` when one is given. */
export function stripeClient(options: Pick<StripeOptions, 'apiKey' | 'apiBase'>): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  return new Stripe(options.apiKey ?? 'sk_test_signature_checks_only', {
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol.replace(':', '') as 'http' | 'https',
    }),
    maxNetworkRetries: 2,
  });
}

/**
 * Stripe's subscription events change an organisation's plan. The organisation is named in the
 * subscription's `metadata.org_id` (set when its Checkout session is made), the plan by the
 * price (`plans.catalog.<plan>.stripe_price`). Each event is handled once: a replay or a
 * retried delivery changes nothing, and an event is marked handled only after its effect is
 * stored, so a failure in between makes Stripe's retry do it.
 */
export function stripeWebhookRoute(
  store: TenancyStore,
  book: PlanBook,
  options: StripeOptions,
  logger: Logger,
): RouteSpec {
  const stripe = stripeClient(options);
  const webhookSecret = options.webhookSecret!;
  const planOfPrice = new Map(
    Object.entries(options.plans.catalog).flatMap(([name, plan]) =>
      plan.stripe_price ? [[plan.stripe_price, name]] : [],
    ),
  );
  return {
    method: 'post',
    path: '/billing/stripe/webhook',
    summary: "Stripe's webhook endpoint (signed; subscription events change an organisation's plan)",
    tag: 'billing',
    action: 'billing:webhook',
    public: true,
    handler: async ({ req }) => {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          req.body as Buffer,
          String(req.headers['stripe-signature'] ?? ''),
          webhookSecret,
        );
      } catch (err) {
        throw new EngramError('validation_failed', `stripe-signature: ${(err as Error).message}`, {
          errors: [{ field: 'stripe-signature', message: 'not a valid signature of this body' }],
        });
      }
      if (await store.seenEvent(event.id)) return { received: true, duplicate: true };
      let applied: { org_id: string; plan: string } | null = null;
      if (event.type.startsWith('customer.subscription.')) {
        const subscription = event.data.object as Stripe.Subscription;
        const orgId = subscription.metadata?.org_id;
        const price = subscription.items?.data?.[0]?.price?.id;
        const paid = event.type !== 'customer.subscription.deleted' && PAYING.has(subscription.status);
        const plan = paid && price ? planOfPrice.get(price) : options.plans.default;
        if (orgId && plan) {
          if (await store.setPlan(orgId, plan)) applied = { org_id: orgId, plan };
          book.forget();
        } else
          logger.warn(
            { event: event.id, type: event.type },
            'subscription event names no known organisation or price',
          );
      } else if (event.type === 'invoice.payment_failed') {
        logger.warn(
          { event: event.id },
          'an invoice payment failed; the subscription events that follow change the plan',
        );
      }
      await store.markEvent(event.id, new Date().toISOString());
      return { received: true, ...(applied && { applied }) };
    },
  };
}

const checkoutSchema = z
  .object({
    plan: z.string().min(1),
    success_url: z.url(),
    cancel_url: z.url(),
  })
  .strict();
const portalSchema = z.object({ return_url: z.url() }).strict();

/**
 * Billing links for the admin API: a Checkout session that subscribes an organisation to a plan
 * (its Stripe customer is made at the first one and kept), and a Customer Portal session.
 */
export function billingLinkRoutes(store: TenancyStore, options: StripeOptions): RouteSpec[] {
  const stripe = stripeClient(options);
  const orgOf = async (id: string) => {
    const org = await store.getOrg(id);
    if (!org) throw new EngramError('not_found', `organization ${id} was not found`);
    return org;
  };
  return [
    {
      method: 'post',
      path: '/admin/orgs/:org/billing/checkout',
      summary: 'A Stripe Checkout link that subscribes the organisation to a plan (platform admin)',
      tag: 'admin',
      action: PLATFORM_MANAGE,
      body: checkoutSchema,
      errors: [404],
      handler: async ({ req }) => {
        const input = validate(checkoutSchema, req.body);
        const price = options.plans.catalog[input.plan]?.stripe_price;
        if (!price) throw invalid('plan', 'a plan of the catalog with a stripe_price');
        const org = await orgOf(requireParam(req, 'org'));
        let customer = org.stripe_customer_id;
        if (!customer) {
          customer = (await stripe.customers.create({ name: org.name, metadata: { org_id: org.id } })).id;
          await store.setStripeCustomer(org.id, customer);
        }
        const session = await stripe.checkout.sessions.create({
          mode: 'subscription',
          customer,
          line_items: [{ price, quantity: 1 }],
          success_url: input.success_url,
          cancel_url: input.cancel_url,
          // The webhook finds the organisation by this when the subscription starts or changes.
          subscription_data: { metadata: { org_id: org.id } },
        });
        return { org_id: org.id, customer_id: customer, session_id: session.id, url: session.url };
      },
    },
    {
      method: 'post',
      path: '/admin/orgs/:org/billing/portal',
      summary: "A Stripe Customer Portal link for the organisation's subscription (platform admin)",
      tag: 'admin',
      action: PLATFORM_MANAGE,
      body: portalSchema,
      errors: [404, 409],
      handler: async ({ req }) => {
        const input = validate(portalSchema, req.body);
        const org = await orgOf(requireParam(req, 'org'));
        if (!org.stripe_customer_id) {
          throw new EngramError(
            'conflict',
            `organization ${org.id} has no Stripe customer yet; make a checkout link first`,
          );
        }
        const session = await stripe.billingPortal.sessions.create({
          customer: org.stripe_customer_id,
          return_url: input.return_url,
        });
        return { org_id: org.id, customer_id: org.stripe_customer_id, url: session.url };
      },
    },
  ];
}

/**
 * Sends recorded usage to Stripe as meter events (`engram_memories_added`, `engram_searches`,
 * `engram_batch_items`), oldest first, in batches. Each event's identifier is the usage record's
 * id, so Stripe counts a resend once; a record is marked reported only after Stripe took it, so a
 * failure leaves it for the next run. Usage of organisations without a Stripe customer is not
 * billable there and is marked without sending.
 */
export async function reportUsageToStripe(
  store: TenancyStore,
  stripe: Stripe,
  batch = 100,
): Promise<{ reported: number; not_billable: number }> {
  const customers = new Map<string, string | null>();
  const customerOf = async (projectId: string) => {
    if (!customers.has(projectId)) {
      const project = await store.getProject(projectId);
      const org = project ? await store.getOrg(project.org_id) : null;
      customers.set(projectId, org?.stripe_customer_id ?? null);
    }
    return customers.get(projectId)!;
  };
  let reported = 0;
  let notBillable = 0;
  for (;;) {
    const records = await store.unreportedUsage(batch);
    if (!records.length) break;
    const done: string[] = [];
    try {
      for (const record of records) {
        const customer = await customerOf(record.project_id);
        if (customer) {
          await stripe.billing.meterEvents.create({
            event_name: `engram_${record.metric}`,
            identifier: record.id,
            timestamp: Math.floor(Date.parse(record.at) / 1000),
            payload: { stripe_customer_id: customer, value: String(record.quantity) },
          });
          reported++;
        } else notBillable++;
        done.push(record.id);
      }
    } finally {
      await store.markReported(done, new Date().toISOString());
    }
  }
  return { reported, not_billable: notBillable };
}

/** Stripe for the cloud edition: the signed webhook (with a signing secret) and billing links (with an API key). */
export function stripePlugin(
  options: StripeOptions & {
    open: () => Promise<TenancyStore> | TenancyStore;
    book: (store: TenancyStore) => PlanBook;
    /** How often recorded usage goes to Stripe as meter events (default every minute). */
    reportEveryMs?: number;
  },
): EngramPlugin {
  let store: TenancyStore | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopReporting: () => Promise<unknown> = async () => undefined;
  return {
    name: 'ee-stripe',
    async setup(ctx) {
      store = await options.open();
      if (options.webhookSecret) {
        ctx.http.routes.push(stripeWebhookRoute(store, options.book(store), options, ctx.logger));
      }
      if (options.apiKey) {
        const opened = store;
        const stripe = stripeClient(options);
        let running: Promise<unknown> = Promise.resolve();
        const report = () => {
          running = running.then(() =>
            reportUsageToStripe(opened, stripe).catch((err: unknown) => {
              ctx.logger.warn({ err }, 'usage report to Stripe failed; it is retried on the next run');
              return { reported: 0, not_billable: 0 };
            }),
          );
          return running as Promise<{ reported: number; not_billable: number }>;
        };
        timer = setInterval(() => void report(), options.reportEveryMs ?? 60_000);
        timer.unref();
        ctx.http.routes.push(...billingLinkRoutes(store, options), {
          method: 'post',
          path: '/admin/billing/usage-report',
          summary:
            'Send the usage not yet reported to Stripe now (platform admin; it also runs every minute)',
          tag: 'admin',
          action: PLATFORM_MANAGE,
          handler: () => report(),
        });
        stopReporting = () => running;
      }
    },
    async shutdown() {
      if (timer) clearInterval(timer);
      await stopReporting();
      await store?.close();
    },
  };
}
