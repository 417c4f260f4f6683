/**
 * The error taxonomy. Every failure a caller can act on is an EngramError with a stable
 * `code`; the HTTP layer maps it once to RFC 9457 problem+json. Anything else is a bug
 * and surfaces as `internal_error` without leaking details.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
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
  | 'internal_error';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
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
