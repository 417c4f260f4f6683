import type { Principal, RateDecision, RateLimiter } from '@engram/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PlanBook } from './plans';

/**
 * One token bucket per project, refilled continuously at the plan's rate, holding at most its
 * burst. In Redis the whole step runs as one script on Redis's own clock, so every replica
 * draws from the same bucket atomically.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * per_ms)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return { allowed, tostring(tokens) }
`;

/** The same bucket in this process: used without Redis, and while Redis cannot be reached. */
class LocalBuckets {
  private readonly buckets = new Map<string, { tokens: number; ts: number }>();

  take(key: string, capacity: number, perMs: number): { allowed: boolean; tokens: number } {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, ts: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.ts) * perMs);
    bucket.ts = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return { allowed, tokens: bucket.tokens };
  }
}

export interface LimiterEvents {
  /** Counted each time a decision was made locally because Redis did not answer. */
  fallback(): void;
}

/**
 * Rate limits per project by plan. When Redis is unreachable it fails open to the in-process
 * buckets (each replica then enforces the limit on its own share of the traffic) with a warning
 * and a metric, rather than refusing every request or letting all through unlimited.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly local = new LocalBuckets();
  private degraded = false;

  constructor(
    private readonly plans: PlanBook,
    private readonly redis: Redis | null,
    private readonly logger: Logger,
    private readonly events: LimiterEvents = { fallback: () => undefined },
  ) {}

  async consume(principal: Principal): Promise<RateDecision> {
    const found = await this.plans.of(principal.tenant_id);
    if (!found) return { allowed: true }; // the platform admin key is not a project
    const { name, plan } = found;
    // The key's own bucket first (when the plan has one), so a refused key spends nothing of
    // its project's budget; then the project's.
    if (plan.key_requests_per_minute) {
      const keyDecision = await this.decide(
        `engram:ratelimit:key:${principal.subject}`,
        `${name}-key`,
        plan.key_requests_per_minute,
        plan.key_burst ?? plan.burst,
      );
      if (!keyDecision.allowed) return { ...keyDecision, tier: name };
    }
    return {
      ...(await this.decide(
        `engram:ratelimit:${principal.tenant_id}`,
        name,
        plan.requests_per_minute,
        plan.burst,
      )),
      tier: name,
    };
  }

  /** One bucket: take a token, and describe the outcome as the RateLimit headers state it. */
  private async decide(key: string, policy: string, perMinute: number, burst: number): Promise<RateDecision> {
    const perMs = perMinute / 60_000;
    const { allowed, tokens } = await this.take(key, burst, perMs);
    return {
      allowed,
      policy: { name: policy, quota: perMinute, windowSeconds: 60 },
      remaining: Math.floor(tokens),
      resetSeconds: Math.ceil((burst - tokens) / perMs / 1000),
      retryAfterSeconds: allowed ? undefined : Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)),
    };
  }

  private async take(
    key: string,
    capacity: number,
    perMs: number,
  ): Promise<{ allowed: boolean; tokens: number }> {
    if (this.redis) {
      try {
        const [allowed, tokens] = (await this.redis.eval(TAKE, 1, key, capacity, perMs)) as [number, string];
        if (this.degraded) this.logger.warn('Redis answers again: rate limits are shared across replicas');
        this.degraded = false;
        return { allowed: allowed === 1, tokens: Number(tokens) };
      } catch (err) {
        if (!this.degraded)
          this.logger.warn({ err }, 'Redis is unreachable: rate limiting falls back to this process');
        this.degraded = true;
        this.events.fallback();
      }
    }
    return this.local.take(key, capacity, perMs);
  }
}
