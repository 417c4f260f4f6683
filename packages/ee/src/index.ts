export { adminRouter } from './admin.routes';
export { issueKey, PLATFORM_TENANT, roleOfScopes, TenantKeyAuthenticator } from './keys';
export { type TenancyPluginOptions, tenancyPlugin } from './plugin';
export { RbacAuthorizer, ROLE_ACTIONS } from './rbac';
export * from './tenancy-store';
