export * from './client';
export { EngramApiError, EngramConnectionError, type Problem } from './errors';
export type { components, paths } from './schema';
export { verifyWebhook, type WebhookHeaders, WebhookVerificationError } from './webhooks';
