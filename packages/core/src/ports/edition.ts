import { EngramError } from '../errors';
/**
 * Edition ports. Core ships a null object for each, so the open-source server is complete
 * without them; the ee package fills them with real implementations through its plugins.
 */

export type Scope = 'read' | 'write' | 'admin';

export interface Principal {
  tenant_id: string;
  /** The key or token subject, for logs and metering. */
  subject: string;
  scopes: Scope[];
  role?: string;
  /** Identity for identified telemetry (ee); never sent by the anonymous sink. */
  user_id?: string;
}

export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
}

export interface Authenticator {
  /** Returns the caller, or null when no credential was presented or it is not valid. */
  authenticate(request: AuthRequest): Promise<Principal | null>;
}

/**
 * Named actions, one per route group: core's, and `area:verb` names that plugins give their own
 * routes (an authorizer refuses an action it does not know, unless the key is an admin's).
 */
export type Action = CoreAction | `${string}:${string}`;

export type CoreAction =
  | 'memory:read'
  | 'memory:write'
  | 'memory:delete'
  | 'search'
  | 'graph:read'
  | 'graph:write'
  | 'batch:write'
  | 'batch:read'
  | 'logs:read'
  | 'feedback:write'
  | 'webhooks:manage'
  /** A tenant's dead letters and index repair. */
  | 'operations:manage';

export interface Authorizer {
  /** True when the principal may perform the action within its tenant. */
  can(principal: Principal, action: Action): boolean;
}

/** What a read key may do. */
export const READ_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'memory:read',
  'search',
  'graph:read',
  'batch:read',
  'logs:read',
]);
/** What a write key may do. */
export const WRITE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  ...READ_ACTIONS,
  'memory:write',
  'memory:delete',
  'graph:write',
  'batch:write',
  'feedback:write',
]);

/**
 * Core's authorizer: scopes decide (read ⊂ write ⊂ admin); roles are an ee concept. Managing
 * webhooks, operations and any action a plugin defines take an admin key.
 */
export class ScopeAuthorizer implements Authorizer {
  can(principal: Principal, action: Action): boolean {
    if (principal.scopes.includes('admin')) return true;
    if (principal.scopes.includes('write')) return WRITE_ACTIONS.has(action);
    if (principal.scopes.includes('read')) return READ_ACTIONS.has(action);
    return false;
  }
}
export interface RateDecision {
  allowed: boolean;
  /** The caller's service tier (the cloud's plan): labels the request's metrics. */
  tier?: string;
  /** The policy applied, as the RateLimit-Policy header states it: `quota` requests per `windowSeconds`. */
  policy?: { name: string; quota: number; windowSeconds: number };
  /** Requests left now, and seconds until the budget is whole again (RateLimit header). */
  remaining?: number;
  resetSeconds?: number;
  retryAfterSeconds?: number;
}

export interface RateLimiter {
  /** Counts one request against the principal's limit. */
  consume(principal: Principal): Promise<RateDecision>;
}

export class NoopRateLimiter implements RateLimiter {
  async consume(): Promise<RateDecision> {
    return { allowed: true };
  }
}

export type UsageMetric = 'memories_added' | 'searches' | 'batch_items';

/** One billable operation. `id` makes recording it idempotent: a retry or a replay counts once. */
export interface UsageEvent {
  id: string;
  tenantId: string;
  metric: UsageMetric;
  quantity: number;
}

export interface UsageMeter {
  /**
   * Records events durably before the operation is acknowledged (callers await it before they
   * answer), so every 2xx is counted, and an event recorded again under its id is not.
   */
  record(events: UsageEvent[]): Promise<void>;
}

export class NoopUsageMeter implements UsageMeter {
  async record(): Promise<void> {}
}

export interface EntitlementDecision {
  allowed: boolean;
  reason?: string;
  /** For the refusal: the limit, the current usage, the plan and how to upgrade. */
  details?: Record<string, unknown>;
  /** `payment`: a quota of the plan is spent (402); `feature`: not in the plan (403). */
  kind?: 'payment' | 'feature';
  /** When refused: how many of the requested quantity the quota still allows (a batch keeps those). */
  remaining?: number;
}

/** The error for a refused entitlement: 402 for a spent quota, 403 for a feature not in the plan. */
export function entitlementError(decision: EntitlementDecision, fallback: string): EngramError {
  return new EngramError(
    decision.kind === 'feature' ? 'forbidden' : 'quota_exceeded',
    decision.reason ?? fallback,
    {
      ...decision.details,
    },
  );
}

export interface Entitlements {
  /** Whether the tenant may use `quantity` more of a feature (memories, batch items…). */
  check(tenantId: string, feature: string, quantity: number): Promise<EntitlementDecision>;
}

export class OpenEntitlements implements Entitlements {
  async check(): Promise<EntitlementDecision> {
    return { allowed: true };
  }
}

export type TelemetryProperties = Record<string, string | number | boolean | null>;

export interface TelemetrySink {
  capture(event: string, properties: TelemetryProperties, principal?: Principal): void;
  shutdown(): Promise<void>;
}

export class NoopTelemetry implements TelemetrySink {
  capture(): void {}
  async shutdown(): Promise<void> {}
}

/**
 * Runs an accepted batch in the background. Core's processor queues it on the JobQueue;
 * ee routes large batches to Temporal. Either way items are added through MemoryService.
 */
export interface BatchProcessor {
  /** Largest batch this processor accepts (the edition's limit). */
  readonly maxBatchSize: number;
  /** The id of the workflow that will run this batch, when a workflow engine runs it (else null). */
  workflowId?(batch: { id: string; total: number }): string | null;
  /**
   * Starts the batch. A failure here (the engine unreachable) refuses the submission whole:
   * the batch record is removed and the caller gets the error.
   */
  dispatch(batch: { id: string; tenant_id: string; total: number }): Promise<void>;
  /**
   * Asks the engine running a batch with a workflow id to stop it; the workflow records which
   * items stay cancelled. Batches without a workflow stop through `cancel_requested`.
   */
  cancel?(batch: { id: string; tenant_id: string; workflow_id: string }): Promise<void>;
}
