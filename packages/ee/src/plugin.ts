import type { EngramPlugin } from '@engram/core';
import { adminRouter } from './admin.routes';
import { TenantKeyAuthenticator } from './keys';
import { RbacAuthorizer } from './rbac';
import { TenancyStore } from './tenancy-store';

export interface TenancyPluginOptions {
  /** SQLite file for organisations, projects, members and keys. */
  path: string;
  /** SHA-256 hex of the platform admin key (null: no platform admin). */
  platformKeyHash: string | null;
}

/**
 * Multi-tenancy for the cloud edition: fills core's Authenticator (project keys) and
 * Authorizer (roles × scopes) ports and adds the admin API under /v1/admin.
 */
export function tenancyPlugin(options: TenancyPluginOptions): EngramPlugin & { store(): TenancyStore } {
  let store: TenancyStore | null = null;
  return {
    name: 'ee-tenancy',
    setup(ctx) {
      store = new TenancyStore(options.path);
      const authorizer = new RbacAuthorizer();
      ctx.provide('authenticator', new TenantKeyAuthenticator(store, options.platformKeyHash));
      ctx.provide('authorizer', authorizer);
      ctx.http.routers.push({ path: '/admin', router: adminRouter(store, authorizer) });
    },
    async shutdown() {
      store?.close();
      store = null;
    },
    store() {
      if (!store) throw new Error('tenancy plugin is not set up');
      return store;
    },
  };
}
