/**
 * The error taxonomy. Every failure a caller can act on is an EngramError with a stable
 * `code`; the HTTP layer maps it once to RFC 9457 problem+json. Anything else is a bug
 * and surfaces as `internal_error` without leaking details.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_path'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'batch_too_large'
  | 'content_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'version_conflict'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'model_mismatch'
  | 'unsafe_webhook_target'
  | 'config_invalid'
  | 'dependency_unavailable'
  | 'time_budget_exceeded'
  | 'method_not_allowed'
  | 'llm_not_configured'
  | 'llm_invalid_answer'
  | 'internal_error';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_body: 400,
  invalid_path: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  batch_too_large: 413,
  content_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 409,
  rate_limited: 429,
  quota_exceeded: 402,
  model_mismatch: 500,
  unsafe_webhook_target: 400,
  config_invalid: 500,
  dependency_unavailable: 503,
  time_budget_exceeded: 503,
  method_not_allowed: 405,
  llm_not_configured: 422,
  llm_invalid_answer: 502,
  internal_error: 500,
};

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `memories.3.content`. */
  field: string;
  message: string;
}

export class EngramError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldIssue[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'EngramError';
    this.status = STATUS[code];
  }
}

export const notFound = (what: string, id: string) =>
  new EngramError('not_found', `${what} ${id} was not found`, { id });

export const invalid = (field: string, message: string) =>
  new EngramError('validation_failed', `${field}: ${message}`, { errors: [{ field, message }] });

/** Node's own network failures: every driver over a socket surfaces them. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * A store that cannot be reached: an EngramError `dependency_unavailable` (each store turns
 * its driver's errors into one, see translateErrors), or a Node network failure, here or in
 * the error's causes. The client gets 503 and may retry, instead of a 500 that reads like a bug.
 */
export function isBackendUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  if (err instanceof EngramError) return err.code === 'dependency_unavailable';
  const { code, cause } = err as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return isBackendUnavailable(cause, depth + 1);
}

/**
 * Wraps a port implementation so that every error its driver raises for "cannot reach the
 * server" becomes `dependency_unavailable`: each store knows its own driver's errors (the
 * predicate), and core names none. Other errors pass through unchanged.
 */
export function translateErrors<T extends object>(impl: T, unavailable: (err: unknown) => boolean): T {
  const translate = (err: unknown): unknown =>
    !(err instanceof EngramError) && unavailable(err)
      ? Object.assign(backendUnavailable(), { cause: err })
      : err;
  return new Proxy(impl, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(target, args);
          return result instanceof Promise ? result.catch((err) => Promise.reject(translate(err))) : result;
        } catch (err) {
          throw translate(err);
        }
      };
    },
  });
}

/** The message and code of an unavailable backend: nothing was stored, retrying is right. */
export const backendUnavailable = () =>
  new EngramError(
    'dependency_unavailable',
    'a storage backend is unavailable; nothing was stored, retry shortly',
  );
