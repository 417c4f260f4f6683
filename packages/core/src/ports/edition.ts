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

/** Named actions, one per route group. */
export type Action =
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
  | 'operations:manage'
  | 'admin';

export interface Authorizer {
  /** True when the principal may perform the action within its tenant. */
  can(principal: Principal, action: Action): boolean;
}

/** Core's authorizer: scopes decide (read ⊂ write ⊂ admin); roles are an ee concept. */
export class ScopeAuthorizer implements Authorizer {
  can(principal: Principal, action: Action): boolean {
    if (principal.scopes.includes('admin')) return true;
    const readOnly = action.endsWith(':read') || action === 'search';
    if (action === 'admin' || action === 'webhooks:manage' || action === 'operations:manage') return false;
    return readOnly
      ? principal.scopes.some((s) => s === 'read' || s === 'write')
      : principal.scopes.includes('write');
  }
}

export interface RateDecision {
  allowed: boolean;
  limit?: number;
  remaining?: number;
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

export interface UsageMeter {
  record(
    tenantId: string,
    metric: 'memories_added' | 'searches' | 'batch_items',
    quantity: number,
  ): Promise<void>;
}

export class NoopUsageMeter implements UsageMeter {
  async record(): Promise<void> {}
}

export interface EntitlementDecision {
  allowed: boolean;
  reason?: string;
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
  dispatch(batch: { id: string; tenant_id: string; total: number }): Promise<void>;
}
