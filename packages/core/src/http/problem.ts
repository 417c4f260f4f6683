import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { EngramError, isBackendUnavailable } from '../errors';
import { clientInputError } from './body-guard';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes an RFC 9457 problem+json body with Engram's stable `code`. */
export function sendProblem(res: Response, error: EngramError, instance?: string): void {
  const { errors, ...extra } = error.details;
  const requestId = res.locals.requestId as string | undefined;
  res
    .status(error.status)
    .type('application/problem+json')
    .json({
      // Extension members first: one named like a standard member (a batch's `status`) must
      // not replace it, or a client reading `status` gets a word instead of the HTTP status.
      ...extra,
      type: `https://engram.dev/problems/${error.code}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      code: error.code,
      detail: error.message,
      ...(instance && { instance }),
      ...(requestId && { request_id: requestId }),
      ...(errors && { errors }),
    });
}

/** Maps body-parser failures to the taxonomy; anything unknown is an internal error, logged, not leaked. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let error: EngramError;
    const fromClient = err instanceof EngramError ? err : clientInputError(err);
    if (fromClient) error = fromClient;
    else if (isBackendUnavailable(err)) {
      logger.warn({ err, path: req.path, request_id: res.locals.requestId }, 'a backend is unavailable');
      error = new EngramError(
        'dependency_unavailable',
        'a storage backend is unavailable; nothing was stored, retry shortly',
      );
    } else {
      logger.error({ err, path: req.path, request_id: res.locals.requestId }, 'unhandled error');
      error = new EngramError('internal_error', 'an unexpected error occurred');
    }
    if (res.headersSent) return res.end();
    if (error.code === 'dependency_unavailable' || error.code === 'time_budget_exceeded')
      res.setHeader('Retry-After', '5');
    sendProblem(res, error, req.originalUrl);
  };
}
