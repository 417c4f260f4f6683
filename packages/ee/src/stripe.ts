import { EngramError, type EngramPlugin, type RouteSpec } from '@engram/core';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import type { PlanBook, PlanCatalog } from './plans';
import type { TenancyStore } from './tenancy-store';

/** Subscription states in which the subscribed plan applies; any other returns the org to the default. */
const PAYING = new Set(['active', 'trialing', 'past_due']);

export interface StripeOptions {
  /** The endpoint's signing secret (whsec_…): only signed events are believed. */
  webhookSecret: string;
  /** The API key, for the client the signature check belongs to (no API call is made here). */
  apiKey?: string;
  plans: PlanCatalog;
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
  const stripe = new Stripe(options.apiKey ?? 'sk_test_signature_checks_only');
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
          options.webhookSecret,
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

/** Stripe's webhook endpoint, as a plugin of the cloud edition. */
export function stripePlugin(
  options: StripeOptions & {
    open: () => Promise<TenancyStore> | TenancyStore;
    book: (store: TenancyStore) => PlanBook;
  },
): EngramPlugin {
  let store: TenancyStore | null = null;
  return {
    name: 'ee-stripe',
    async setup(ctx) {
      store = await options.open();
      ctx.http.routes.push(stripeWebhookRoute(store, options.book(store), options, ctx.logger));
    },
    async shutdown() {
      await store?.close();
    },
  };
}
