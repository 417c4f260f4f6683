export { adminRoutes, PLATFORM_MANAGE, PROJECT_KEYS } from './admin.routes';
export { type AmplitudeOptions, AmplitudeTelemetry } from './amplitude-telemetry';
export { MongoRollups } from './analytics/mongo-rollups';
export { overview } from './analytics/overview';
export { ANALYTICS_READ, analyticsPlugin } from './analytics/plugin';
export * from './analytics/rollups';
export { SqliteRollups } from './analytics/sqlite-rollups';
export { plansPlugin, rateLimitPlugin, USAGE_READ } from './billing';
export { issueKey, PLATFORM_TENANT, roleOfScopes, TenantKeyAuthenticator } from './keys';
export { MongoTenancyStore } from './mongo-tenancy-store';
export { FirstMatchAuthenticator, OidcAuthenticator, type OidcOptions } from './oidc';
export * from './plans';
export { type TenancyPluginOptions, tenancyPlugin } from './plugin';
export {
  analyticsProvider,
  eeProviders,
  plansProvider,
  rankingProvider,
  rateLimitProvider,
  stripeProvider,
  temporalBatchProvider,
  tenancyProvider,
} from './providers';
export * from './ranking/model-fitter';
export * from './ranking/model-store';
export { MODELS_MANAGE, rankingPlugin, trainEveryProject } from './ranking/plugin';
export * from './ranking/registry';
export * from './ranking/training';
export { TokenBucketRateLimiter } from './rate-limiter';
export { RbacAuthorizer, ROLE_ACTIONS } from './rbac';
export { reportUsageToStripe, stripePlugin, stripeWebhookRoute } from './stripe';
export { type RoleRunner, temporalBatchPlugin } from './temporal/plugin';
export { TemporalBatchProcessor } from './temporal/processor';
export * from './tenancy-store';
