import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import type { Request } from 'express';
import { EngramError, invalid } from '../errors';
import { jsonShapeViolation } from './body-guard';

/** The batch body's top-level keys besides `memories` (batchRequestSchema's options). */
const OPTION_KEYS = new Set(['webhook_url', 'webhook_secret']);

export interface StreamedBatch {
  /** Everything of the body but its items. */
  options: Record<string, unknown>;
  /** sha256 of the method, path and decoded body: what Idempotency-Key compares. */
  requestHash: string;
}

function decoded(req: Request): Readable {
  const encoding = (req.get('content-encoding') ?? 'identity').toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding === 'gzip') return req.pipe(createGunzip());
  if (encoding === 'deflate') return req.pipe(createInflate());
  if (encoding === 'br') return req.pipe(createBrotliDecompress());
  throw new EngramError('unsupported_media_type', `content-encoding "${encoding}" is not supported`);
}

/**
 * Reads a batch body `{"memories": [...], ...}` as it arrives and hands each item to `onItem`
 * before the next chunk is read, so 10,000 items are never held at once. The same rules as a
 * parsed body apply: at most `maxBytes` (decoded), objects only at the top with known keys,
 * every item within the depth limit and free of reserved keys.
 */
export async function readBatchStream(
  req: Request,
  limits: { maxBytes: number; maxDepth: number },
  onItem: (item: unknown) => Promise<void>,
): Promise<StreamedBatch> {
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({
    paths: ['$.memories.*', ...[...OPTION_KEYS].map((k) => `$.${k}`)],
    keepStack: false,
  });
  const hash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n`);
  const options: Record<string, unknown> = {};
  const items: unknown[] = [];
  let failure: EngramError | null = null;
  const fail = (error: EngramError) => {
    failure ??= error;
  };

  // The top level is followed token by token: which keys it has, and that memories is an array.
  let depth = 0;
  let expectKey = false;
  let valueNext = false;
  let lastKey: string | undefined;
  let sawItems = false;
  tokenizer.onToken = (info) => {
    const { token, value } = info;
    if (depth === 0 && token !== TokenType.LEFT_BRACE) {
      fail(new EngramError('invalid_body', 'the body must be a JSON object {"memories": [...]}'));
    }
    if (depth === 1) {
      if (expectKey && token === TokenType.STRING) {
        lastKey = String(value);
        if (lastKey !== 'memories' && !OPTION_KEYS.has(lastKey)) fail(invalid(lastKey, 'unrecognized key'));
      } else if (token === TokenType.COLON) {
        valueNext = true;
      } else if (valueNext) {
        valueNext = false;
        if (lastKey === 'memories') {
          if (token === TokenType.LEFT_BRACKET) sawItems = true;
          else fail(invalid('memories', 'must be an array'));
        }
      }
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      depth++;
      expectKey = depth === 1;
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      depth--;
      expectKey = false;
    } else if (depth === 1) {
      expectKey = token === TokenType.COMMA;
    }
    if (!failure) parser.write(info);
  };
  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 2) items.push(value);
    else if (typeof key === 'string') options[key] = value;
  };
  const syntax = (err: Error) =>
    fail(new EngramError('invalid_json', `the request body is not valid JSON: ${err.message}`));
  tokenizer.onError = syntax;
  parser.onError = syntax;

  let index = 0;
  const take = async (item: unknown) => {
    const violation = jsonShapeViolation(item, limits.maxDepth, ['memories', String(index)]);
    if (violation) throw invalid(violation.field, violation.message);
    index++;
    await onItem(item);
  };
  let bytes = 0;
  for await (const chunk of decoded(req)) {
    bytes += (chunk as Buffer).length;
    if (bytes > limits.maxBytes) {
      req.unpipe();
      req.resume(); // drain the rest: the client gets its answer instead of a reset
      throw new EngramError('payload_too_large', `the request body is larger than ${limits.maxBytes} bytes`, {
        limit: limits.maxBytes,
      });
    }
    hash.update(chunk as Buffer);
    if (!tokenizer.isEnded) tokenizer.write(chunk as Buffer);
    if (failure) break;
    // Items this chunk completed, one at a time, before the next chunk is read (backpressure).
    for (const item of items.splice(0)) await take(item);
  }
  if (!failure && !tokenizer.isEnded) tokenizer.end();
  if (!failure && !parser.isEnded) syntax(new Error('the body ended before the JSON value did'));
  if (failure) {
    req.resume();
    throw failure;
  }
  for (const item of items.splice(0)) await take(item);
  if (!sawItems) throw invalid('memories', 'required: an array of memories');
  return { options, requestHash: hash.digest('hex') };
}
