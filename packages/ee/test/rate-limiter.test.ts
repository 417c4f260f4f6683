import pino from 'pino';
import { PlanBook, type PlanCatalog, SqliteTenancyStore, TokenBucketRateLimiter } from '../src';

const plan = (extra: object = {}) => ({
  requests_per_minute: 60,
  burst: 5,
  stored_memories: null,
  memories_per_month: null,
  searches_per_month: null,
  max_batch: 50,
  features: [],
  slo: { availability: 0.99, search_p95_ms: 800 },
  ...extra,
});

async function limiterWith(catalog: PlanCatalog) {
  const store = new SqliteTenancyStore(':memory:');
  const at = new Date().toISOString();
  await store.createOrg({ id: 'org_1', name: 'o', created_at: at });
  await store.createProject({ id: 'prj_1', org_id: 'org_1', name: 'p', created_at: at });
  return new TokenBucketRateLimiter(new PlanBook(store, catalog), null, pino({ level: 'silent' }));
}

const key = (subject: string) => ({ tenant_id: 'prj_1', subject, scopes: ['write' as const] });

describe('token-bucket rate limiter (in process)', () => {
  it('limits a project to its burst across its keys, and lets the platform admin through', async () => {
    const limiter = await limiterWith({
      default: 'free',
      upgrade_url: 'https://x.example',
      catalog: { free: plan() },
    });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await limiter.consume(key(i % 2 ? 'key_a' : 'key_b')));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, true, true, false]);
    expect(answers[5]).toMatchObject({
      tier: 'free',
      policy: { name: 'free', quota: 60, windowSeconds: 60 },
    });
    expect(answers[5]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await limiter.consume({ tenant_id: '__platform__', subject: 'admin', scopes: ['admin'] })).toEqual(
      {
        allowed: true,
      },
    );
  });

  it('limits each key on its own when the plan says so, without spending the project budget', async () => {
    const limiter = await limiterWith({
      default: 'free',
      upgrade_url: 'https://x.example',
      catalog: { free: plan({ key_requests_per_minute: 30, key_burst: 2 }) },
    });
    const a = [];
    for (let i = 0; i < 3; i++) a.push(await limiter.consume(key('key_a')));
    expect(a.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(a[2]).toMatchObject({ policy: { name: 'free-key', quota: 30 } });
    // key_a's refusal took nothing from the project: key_b still has 3 of the 5.
    const b = [];
    for (let i = 0; i < 2; i++) b.push(await limiter.consume(key('key_b')));
    expect(b.map((d) => d.allowed)).toEqual([true, true]);
    expect(b[1]).toMatchObject({ policy: { name: 'free' }, remaining: 1 });
  });
});
