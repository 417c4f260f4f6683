import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers Engram signs deliveries with (the Standard Webhooks scheme). */
export interface WebhookHeaders {
  'webhook-id'?: string | string[];
  'webhook-timestamp'?: string | string[];
  'webhook-signature'?: string | string[];
  [name: string]: string | string[] | undefined;
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

const header = (headers: WebhookHeaders, name: string): string => {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) throw new WebhookVerificationError(`missing ${name} header`);
  return text;
};

/**
 * Checks a delivery's signature and returns its parsed body. `payload` is the raw body, exactly
 * as received (parse it before and the bytes may differ); `secret` the subscription's `whsec_…`.
 * Refuses a timestamp more than `toleranceSeconds` away from now, so a captured delivery cannot be
 * replayed later. Signatures are compared in constant time.
 */
export function verifyWebhook<T = unknown>(
  payload: string | Buffer,
  headers: WebhookHeaders,
  secret: string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): T {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - seconds) > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp outside the tolerance: a stale or replayed delivery');
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const body = typeof payload === 'string' ? payload : payload.toString('utf8');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  // The header may carry several signatures (during a secret rotation): any valid one will do.
  const valid = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) throw new WebhookVerificationError('no valid signature');
  return JSON.parse(body) as T;
}
