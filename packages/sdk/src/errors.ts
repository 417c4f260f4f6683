import type { components } from './schema';

export type Problem = components['schemas']['Problem'];

/**
 * An answer of the API that is not a success: the RFC 9457 problem it sent, with its stable
 * `code` (branch on it, not on `message`), the fields at fault and the request's id.
 */
export class EngramApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: { field?: string; message?: string }[];
  readonly requestId: string | null;
  /** Seconds the server asked to wait before retrying (Retry-After), when it said. */
  readonly retryAfter: number | null;
  readonly problem: Partial<Problem>;

  constructor(
    status: number,
    problem: Partial<Problem>,
    requestId: string | null,
    retryAfter: number | null,
  ) {
    super(`${status} ${problem.code ?? 'error'}: ${problem.detail ?? problem.title ?? 'request failed'}`);
    this.name = 'EngramApiError';
    this.status = status;
    this.code = problem.code ?? `http_${status}`;
    this.detail = problem.detail ?? '';
    this.errors = problem.errors ?? [];
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    this.problem = problem;
  }
}

/** The server could not be reached, or did not answer in time, after every retry. */
export class EngramConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngramConnectionError';
  }
}
