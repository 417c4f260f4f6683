import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { EngramError } from '../errors';
import type { Principal } from '../ports/edition';
import type { IdempotencyStore } from '../ports/storage';

/** How long an answer is replayed for its key. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST: the first request with a key runs and its answer is kept for
 * a day; the same key with the same method, path and body gets that answer again
 * (`Idempotent-Replayed: true`), with another body `409`, and while the first still runs `409`
 * with Retry-After. Server errors (5xx) are not kept, so a retry runs again. A claim whose
 * request never answered (a crash) is taken over once `lockMs` has passed.
 */
export class IdempotencyGate {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly lockMs: number,
    private readonly logger: Logger,
  ) {}

  /** Express middleware for POSTs whose body is parsed (the streamed batch route calls `enter` itself). */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'POST' || req.get('idempotency-key') === undefined || res.locals.streamedBody) {
        return next();
      }
      const hash = createHash('sha256')
        .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
        .digest('hex');
      if (await this.enter(req, res, hash)) next();
    };
  }

  /**
   * For a request with an Idempotency-Key: true when it is the first and should run (its JSON
   * answer will be kept); false when a kept answer was replayed; throws 409 when the key is
   * taken by another request or its first request still runs. Without a key: true.
   */
  async enter(req: Request, res: Response, requestHash: string): Promise<boolean> {
    const key = req.get('idempotency-key');
    if (key === undefined) return true;
    if (!KEY.test(key)) {
      throw new EngramError('validation_failed', 'Idempotency-Key: 1 to 255 visible ASCII characters', {
        errors: [{ field: 'Idempotency-Key', message: '1 to 255 visible ASCII characters' }],
      });
    }
    const tenantId = (res.locals.principal as Principal).tenant_id;
    const now = Date.now();
    const held = await this.store.claim(
      {
        tenant_id: tenantId,
        key,
        request_hash: requestHash,
        status: null,
        body: null,
        expires_at: now + IDEMPOTENCY_WINDOW_MS,
        locked_until: now + this.lockMs,
      },
      now,
    );
    if (held) {
      if (held.request_hash !== requestHash) {
        throw new EngramError(
          'conflict',
          'this Idempotency-Key was used with another request; use a new key',
          {
            errors: [{ field: 'Idempotency-Key', message: 'already used with another request' }],
          },
        );
      }
      if (held.status === null) {
        res.set('Retry-After', '1');
        throw new EngramError(
          'conflict',
          'a request with this Idempotency-Key is still running; retry shortly',
          {
            errors: [{ field: 'Idempotency-Key', message: 'its first request is still running' }],
          },
        );
      }
      res.set('Idempotent-Replayed', 'true');
      res.status(held.status).json(held.body);
      return false;
    }
    this.keepAnswer(res, tenantId, key);
    return true;
  }

  /** The answer is stored before it is sent: a client that saw it can always have it again. */
  private keepAnswer(res: Response, tenantId: string, key: string): void {
    const send = res.json.bind(res);
    let answered = false;
    // An answer not sent as JSON (a stream, a dropped connection): nothing to replay, free the key.
    res.on('close', () => {
      if (!answered) void this.store.release(tenantId, key).catch(() => undefined);
    });
    res.json = (body: unknown) => {
      answered = true;
      const status = res.statusCode;
      const kept =
        status >= 500 ? this.store.release(tenantId, key) : this.store.complete(tenantId, key, status, body);
      kept
        .catch((err: unknown) => this.logger.error({ err }, 'the idempotency record could not be written'))
        .finally(() => send(body));
      return res;
    };
  }
}
