export { adminRoutes, PLATFORM_MANAGE, PROJECT_KEYS } from './admin.routes';
export { type AmplitudeOptions, AmplitudeTelemetry } from './amplitude-telemetry';
export { issueKey, PLATFORM_TENANT, roleOfScopes, TenantKeyAuthenticator } from './keys';
export { MongoTenancyStore } from './mongo-tenancy-store';
export { FirstMatchAuthenticator, OidcAuthenticator, type OidcOptions } from './oidc';
export { type TenancyPluginOptions, tenancyPlugin } from './plugin';
export { eeProviders, tenancyProvider } from './providers';
export { RbacAuthorizer, ROLE_ACTIONS } from './rbac';
export * from './tenancy-store';
