import type { EngramPlugin } from '@engram/core';
import { adminRoutes } from './admin.routes';
import { type AmplitudeOptions, AmplitudeTelemetry } from './amplitude-telemetry';
import { TenantKeyAuthenticator } from './keys';
import { MongoTenancyStore } from './mongo-tenancy-store';
import { FirstMatchAuthenticator, OidcAuthenticator, type OidcOptions } from './oidc';
import { PlanBook, type PlanCatalog, planFeature } from './plans';
import { RbacAuthorizer } from './rbac';
import { SqliteTenancyStore, type TenancyStore } from './tenancy-store';

export function openTenancyStore(where: TenancyPluginOptions['store']): Promise<TenancyStore> | TenancyStore {
  if ('sqlite' in where) return new SqliteTenancyStore(where.sqlite);
  if ('mongoUrl' in where) return MongoTenancyStore.open(where.mongoUrl, where.dbName);
  return where;
}

export interface TenancyPluginOptions {
  /**
   * Where organisations, projects, members and keys live: a SQLite file, or a MongoDB URL (the
   * database beside the documents), or an open store.
   */
  store: { sqlite: string } | { mongoUrl: string; dbName?: string } | TenancyStore;
  /** SHA-256 hex of the platform admin key (null: no platform admin). */
  platformKeyHash: string | null;
  /** SSO: accept OIDC access tokens from this issuer beside API keys. */
  oidc?: OidcOptions;
  /** Identified telemetry through Amplitude instead of core's anonymous sink. */
  amplitude?: AmplitudeOptions;
  /** When plans are enforced: SSO needs a plan with the `sso` feature (403 otherwise). */
  plans?: PlanCatalog;
}

/**
 * Multi-tenancy for the cloud edition: fills core's Authenticator (project keys, and SSO
 * tokens when configured), Authorizer (roles × scopes) and, when configured, TelemetrySink
 * (Amplitude) ports, and adds the admin API under /v1/admin.
 */
export function tenancyPlugin(options: TenancyPluginOptions): EngramPlugin & { store(): TenancyStore } {
  let store: TenancyStore | null = null;
  return {
    name: 'ee-tenancy',
    async setup(ctx) {
      store = await openTenancyStore(options.store);
      const authorizer = new RbacAuthorizer();
      const keys = new TenantKeyAuthenticator(store, options.platformKeyHash);
      ctx.provide(
        'authenticator',
        options.oidc
          ? new FirstMatchAuthenticator([
              keys,
              new OidcAuthenticator(
                options.oidc,
                store,
                options.plans ? planFeature(new PlanBook(store, options.plans), 'sso') : undefined,
              ),
            ])
          : keys,
        { replaces: true }, // project keys and SSO instead of the single-tenant keys
      );
      if (options.amplitude)
        ctx.provide('telemetry', new AmplitudeTelemetry(options.amplitude), { replaces: true });
      ctx.provide('authorizer', authorizer);
      ctx.http.routes.push(...adminRoutes(store));
    },
    async shutdown() {
      await store?.close();
      store = null;
    },
    store() {
      if (!store) throw new Error('tenancy plugin is not set up');
      return store;
    },
  };
}
