import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startServerProcess, type TestServer } from '@engram/core/testing';
import { startTestRedis, type TestRedis } from '@engram/queue-bullmq/testing';
import pino from 'pino';
import Stripe from 'stripe';
import request from 'supertest';
import { type CloudServer, createCloudServer } from '../src/server';

const ADMIN = 'egm_platform_admin_key_for_limit_tests';
const STRIPE_SECRET = 'whsec_test_secret_for_limit_tests';
const stripe = new Stripe('sk_test_unused');
const as = (key: string) => ({ Authorization: `Bearer ${key}` });
const waitFor = async (check: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * Plans, limits and metering on the cloud server as it ships (config/cloud.yaml, switches on),
 * with a small free plan set through ENGRAM_PLANS__… overrides and a real Redis.
 */
describe('cloud limits: rate limits, quotas and usage by plan', () => {
  let redis: TestRedis;
  let stripeMock: TestServer;
  let cloud: CloudServer;
  let api: ReturnType<typeof request>;
  beforeAll(async () => {
    redis = await startTestRedis();
    // Stripe's own API mock (scripts/install-stripe-mock.sh), for the billing links.
    const mockPort = await freePort();
    stripeMock = await startServerProcess({
      command: path.join(
        process.env.ENGRAM_CACHE ?? path.join(homedir(), '.cache', 'engram'),
        'bin',
        'stripe-mock-v0.203.0',
      ),
      args: ['-http-port', String(mockPort)],
      port: mockPort,
    });
    cloud = await createCloudServer(
      {
        ENGRAM_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'engram-limits-')),
        ENGRAM_ADMIN_KEY: ADMIN,
        ENGRAM_TELEMETRY: 'off',
        // Redis for the limits only: background work stays in the data file.
        ENGRAM_RATE_LIMIT_REDIS_URL: redis.url,
        ENGRAM_PLANS__CATALOG__FREE__REQUESTS_PER_MINUTE: '60',
        ENGRAM_PLANS__CATALOG__FREE__BURST: '5',
        ENGRAM_PLANS__CATALOG__FREE__MEMORIES_PER_MONTH: '8',
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
        STRIPE_API_KEY: 'sk_test_123',
        STRIPE_API_BASE: `http://127.0.0.1:${mockPort}`,
      },
      { logger: pino({ level: 'silent' }) },
    );
    await cloud.engram.start();
    api = request(cloud.app);
  }, 60_000);
  afterAll(async () => {
    await cloud?.close();
    await redis?.stop();
    await stripeMock?.stop();
  });

  /** Sends a request as a well-behaved client does: on 429 it waits Retry-After and tries again. */
  async function polite(send: () => request.Test): Promise<request.Response> {
    for (;;) {
      const res = await send();
      if (res.status !== 429) return res;
      await new Promise((r) => setTimeout(r, Number(res.headers['retry-after']) * 1000));
    }
  }

  /** Requests in a row until one is limited (at most 20): every answer, the 429 last. */
  async function untilLimited(key: string) {
    const answers: request.Response[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await api.get('/v1/memory').set(as(key)));
      if (answers[i]!.status === 429) return answers;
    }
    throw new Error(`never limited: ${answers.map((r) => r.status).join(' ')}`);
  }

  /** A new organisation (on the default free plan) with one project and a write key. */
  async function project(name: string) {
    const org = (await api.post('/v1/admin/orgs').set(as(ADMIN)).send({ name })).body;
    const prj = (await api.post(`/v1/admin/orgs/${org.id}/projects`).set(as(ADMIN)).send({ name })).body;
    const key = (
      await api
        .post(`/v1/admin/projects/${prj.id}/keys`)
        .set(as(ADMIN))
        .send({ name: 'k', scopes: ['write'] })
    ).body.key as string;
    return { org, project: prj, key };
  }

  it('throttles a free project past its burst, with the RateLimit headers and Retry-After', async () => {
    const { key } = await project('throttled');
    // The bucket holds 5 and refills one a second: requests in a row run out within a few more.
    const answers = await untilLimited(key);
    expect(answers[0]!.status).toBe(200);
    expect(answers[0]!.headers['ratelimit-policy']).toBe('"free";q=60;w=60');
    expect(answers[0]!.headers.ratelimit).toMatch(/^"free";r=4;t=\d+$/);
    const left = answers.slice(0, -1).map((r) => Number(/r=(\d+)/.exec(String(r.headers.ratelimit))![1]));
    expect(left.every((r) => r <= 4)).toBe(true);
    const limited = answers[answers.length - 1]!;
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-policy']).toBe('"free";q=60;w=60');
  });

  it('fails the items past a spent quota mid-batch with 402-coded errors, keeps the others, and meters exactly', async () => {
    const { key, org } = await project('quota');
    const first = await polite(() =>
      api.post('/v1/memory').set(as(key)).send({ content: 'one before the batch' }),
    );
    expect(first.status).toBe(201);
    const memories = Array.from({ length: 10 }, (_, i) => ({ content: `batch item ${i}` }));
    const submitted = await polite(() => api.post('/v1/memory/batch').set(as(key)).send({ memories }));
    expect(submitted.status).toBe(202);
    await cloud.engram.ports.jobQueue.idle();
    const batch = (await polite(() => api.get(`/v1/batch/${submitted.body.batch_id}`).set(as(key)))).body;
    // 8 a month on this plan: one single add, then 7 of the 10 items; the last 3 are refused.
    expect(batch).toMatchObject({ status: 'partial', succeeded: 7, failed: 3 });
    expect(batch.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [7, 'quota_exceeded'],
      [8, 'quota_exceeded'],
      [9, 'quota_exceeded'],
    ]);
    const refused = await polite(() => api.post('/v1/memory').set(as(key)).send({ content: 'one too many' }));
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({
      code: 'quota_exceeded',
      limit: 'memories added per month',
      limit_value: 8,
      usage: 8,
      plan: 'free',
      upgrade_url: 'https://engram.dev/pricing',
    });

    // The usage API counts exactly what was acknowledged or stored: 1 + 7 adds, one batch of 10.
    const searched = await polite(() =>
      api.post('/v1/memory/search').set(as(key)).send({ query: 'batch item' }),
    );
    expect(searched.status).toBe(200);
    const usage = (await polite(() => api.get('/v1/usage').set(as(key)))).body;
    expect(usage).toMatchObject({
      plan: 'free',
      granularity: 'day',
      totals: { memories_added: 8, batch_items: 10, searches: 1 },
      stored_memories: 8, // today's snapshots: levels, not summed into the totals
    });
    expect(usage.bytes_stored).toBeGreaterThan(8 * 'batch item 0'.length - 1);
    const orgUsage = (await api.get(`/v1/admin/orgs/${org.id}/usage`).set(as(ADMIN))).body;
    expect(orgUsage).toMatchObject({
      org_id: org.id,
      totals: { memories_added: 8, batch_items: 10, searches: 1 },
    });
    expect(orgUsage.projects).toHaveLength(1);
    expect((await polite(() => api.get(`/v1/admin/orgs/${org.id}/usage`).set(as(key)))).status).toBe(403);

    // An upgrade takes effect at once for quotas.
    const upgraded = await api.put(`/v1/admin/orgs/${org.id}/plan`).set(as(ADMIN)).send({ plan: 'pro' });
    expect(upgraded.body).toEqual({ org_id: org.id, plan: 'pro' });
    const allowed = await polite(() =>
      api.post('/v1/memory').set(as(key)).send({ content: 'allowed on pro' }),
    );
    expect(allowed.status).toBe(201);
    const bad = await api.put(`/v1/admin/orgs/${org.id}/plan`).set(as(ADMIN)).send({ plan: 'gold' });
    expect(bad.status).toBe(400);
  });

  it('moves an organisation to the plan a signed Stripe subscription event names, once per event', async () => {
    const { key, org } = await project('stripe');
    for (let i = 0; i < 8; i++) {
      expect(
        (
          await polite(() =>
            api
              .post('/v1/memory')
              .set(as(key))
              .send({ content: `paid note ${i}` }),
          )
        ).status,
      ).toBe(201);
    }
    expect(
      (await polite(() => api.post('/v1/memory').set(as(key)).send({ content: 'over free' }))).status,
    ).toBe(402);
    const event = (id: string, price: string, status = 'active') =>
      JSON.stringify({
        id,
        object: 'event',
        type: 'customer.subscription.updated',
        data: {
          object: {
            id: 'sub_1',
            object: 'subscription',
            status,
            metadata: { org_id: org.id },
            items: { data: [{ price: { id: price } }] },
          },
        },
      });
    const deliver = (payload: string, secret = STRIPE_SECRET) =>
      api
        .post('/v1/billing/stripe/webhook')
        .set('content-type', 'application/json')
        .set('stripe-signature', stripe.webhooks.generateTestHeaderString({ payload, secret }))
        .send(payload);

    // A forged or tampered event changes nothing.
    const forged = await deliver(event('evt_forged', 'price_engram_enterprise'), 'whsec_not_the_secret');
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('stripe-signature');
    const upgrade = event('evt_upgrade', 'price_engram_pro');
    expect((await deliver(upgrade)).body).toEqual({
      received: true,
      applied: { org_id: org.id, plan: 'pro' },
    });
    expect(
      (await polite(() => api.post('/v1/memory').set(as(key)).send({ content: 'allowed on pro' }))).status,
    ).toBe(201);
    // Stripe retries deliveries: the same event again is acknowledged and changes nothing.
    await api.put(`/v1/admin/orgs/${org.id}/plan`).set(as(ADMIN)).send({ plan: 'free' });
    expect((await deliver(upgrade)).body).toEqual({ received: true, duplicate: true });
    expect((await polite(() => api.get('/v1/usage').set(as(key)))).body.plan).toBe('free');
    // A cancelled subscription returns the organisation to the default plan.
    await deliver(event('evt_pro_again', 'price_engram_pro'));
    expect((await deliver(event('evt_cancel', 'price_engram_pro', 'canceled'))).body.applied).toEqual({
      org_id: org.id,
      plan: 'free',
    });
  });

  it('makes Checkout and Customer Portal links through Stripe, one customer per organisation', async () => {
    const { org } = await project('checkout');
    const link = (plan: string) =>
      api
        .post(`/v1/admin/orgs/${org.id}/billing/checkout`)
        .set(as(ADMIN))
        .send({ plan, success_url: 'https://app.example/ok', cancel_url: 'https://app.example/cancel' });
    const noCustomer = await api
      .post(`/v1/admin/orgs/${org.id}/billing/portal`)
      .set(as(ADMIN))
      .send({ return_url: 'https://app.example/account' });
    expect(noCustomer.status).toBe(409);
    const first = await link('pro');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ org_id: org.id, customer_id: expect.stringMatching(/^cus_/) });
    expect(first.body.url).toMatch(/^https:\/\//);
    // The customer is kept: the next link bills the same one.
    expect((await link('enterprise')).body.customer_id).toBe(first.body.customer_id);
    expect((await link('free')).status).toBe(400); // no Stripe price: nothing to check out
    const portal = await api
      .post(`/v1/admin/orgs/${org.id}/billing/portal`)
      .set(as(ADMIN))
      .send({ return_url: 'https://app.example/account' });
    expect(portal.status).toBe(200);
    expect(portal.body.url).toMatch(/^https:\/\//);
    const { key } = await project('not-admin');
    expect((await api.post(`/v1/admin/orgs/${org.id}/billing/portal`).set(as(key)).send({})).status).toBe(
      403,
    );
  });

  it('reports recorded usage to Stripe as meter events, each record once', async () => {
    const { org, key } = await project('metered-in-stripe');
    await api
      .post(`/v1/admin/orgs/${org.id}/billing/checkout`)
      .set(as(ADMIN))
      .send({ plan: 'pro', success_url: 'https://app.example/ok', cancel_url: 'https://app.example/cancel' });
    await polite(() => api.post('/v1/memory').set(as(key)).send({ content: 'billable note' }));
    await polite(() => api.post('/v1/memory/search').set(as(key)).send({ query: 'billable' }));
    const first = (await api.post('/v1/admin/billing/usage-report').set(as(ADMIN))).body;
    // Everything recorded so far goes out: this org's two events to Stripe, other orgs' (no
    // Stripe customer) marked as not billable there.
    expect(first.reported).toBeGreaterThanOrEqual(2);
    expect(first.reported + first.not_billable).toBeGreaterThan(2);
    expect((await api.post('/v1/admin/billing/usage-report').set(as(ADMIN))).body).toEqual({
      reported: 0,
      not_billable: 0,
    });
  });

  it('keeps limiting in process while Redis is down, says so in /metrics, and shares again when it is back', async () => {
    const { key } = await project('redis-outage');
    await redis.crash();
    // Failing open to the local bucket: still limited (never unlimited, never refused for the outage).
    const during = await untilLimited(key);
    expect(during.slice(0, -1).every((r) => r.status === 200)).toBe(true);
    expect(during.length).toBeGreaterThanOrEqual(6);
    const metrics = (await api.get('/metrics')).text;
    expect(Number(/engram_rate_limit_local_fallback_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(
      6,
    );
    await redis.start();
    const fallbacks = async () =>
      Number(/engram_rate_limit_local_fallback_total (\d+)/.exec((await api.get('/metrics')).text)?.[1]);
    const { key: fresh } = await project('redis-back');
    // Once the client has reconnected, decisions are made in Redis again: the count stops growing.
    await waitFor(async () => {
      const before = await fallbacks();
      const res = await api.get('/v1/memory').set(as(fresh));
      return res.status === 200 && (await fallbacks()) === before;
    }, 30_000);
  }, 60_000);
});
