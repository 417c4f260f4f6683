import type { NextFunction, Request, Response } from 'express';
import { EngramError, invalid } from '../errors';

/** Keys that name an object's prototype machinery rather than data: refused anywhere in a body. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first place a JSON value breaks the shape rules, or null: nested deeper than
 * `maxDepth`, or a reserved key. Iterative, so a value nested 100,000 deep costs a loop, not
 * the stack that recursive validators and `JSON.stringify` would overflow on it.
 */
export function jsonShapeViolation(
  value: unknown,
  maxDepth: number,
  /** Where `value` sits in the body (an item of a streamed batch): counted in depth and named in the field. */
  at: string[] = [],
): { field: string; message: string } | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: at }];
  while (stack.length) {
    const { value: node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (path.length >= maxDepth) {
      return { field: path.join('.'), message: `nested deeper than ${maxDepth} levels` };
    }
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
    for (const [key, child] of entries) {
      if (RESERVED_KEYS.has(key)) {
        return { field: [...path, key].join('.'), message: `"${key}" is a reserved key` };
      }
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/** Refuses a parsed body that breaks the shape rules with 400 naming the field, before any validator sees it. */
export function bodyShapeGuard(maxDepth: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const violation = jsonShapeViolation(req.body, maxDepth);
    if (violation) throw invalid(violation.field || '(body)', violation.message);
    next();
  };
}

/**
 * Body-parser and router failures that are the client's doing, mapped to problem codes:
 * a body that does not decode (bad gzip, an unknown encoding), a path with broken %-escapes.
 * Null when the error is not one of these.
 */
export function clientInputError(err: unknown): EngramError | null {
  const e = err as { type?: string; status?: number; message?: string; limit?: number } | null;
  if (!e || typeof e !== 'object') return null;
  switch (e.type) {
    case 'entity.parse.failed':
      return new EngramError('invalid_json', `the request body is not valid JSON: ${e.message}`);
    case 'entity.too.large':
      return new EngramError('payload_too_large', `the request body is larger than ${e.limit} bytes`, {
        limit: e.limit,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new EngramError('unsupported_media_type', String(e.message));
    case 'entity.verify.failed':
    case 'request.aborted':
    case 'request.size.invalid':
      return new EngramError('invalid_body', `the request body could not be read: ${e.message}`);
  }
  if (err instanceof URIError) {
    return new EngramError('invalid_path', 'the request path has a malformed %-escape', {
      errors: [{ field: 'path', message: 'malformed percent-encoding' }],
    });
  }
  // zlib errors while inflating a body sent as gzip/deflate/br that is not compressed.
  if (typeof (err as { code?: unknown }).code === 'string' && /^Z_/.test((err as { code: string }).code)) {
    return new EngramError('invalid_body', `the request body does not decode as its Content-Encoding says`, {
      errors: [{ field: 'Content-Encoding', message: 'body does not match the declared encoding' }],
    });
  }
  if (
    typeof e.status === 'number' &&
    e.status >= 400 &&
    e.status < 500 &&
    (err as { expose?: boolean }).expose
  ) {
    return new EngramError('invalid_body', `the request body could not be read: ${e.message}`);
  }
  return null;
}
