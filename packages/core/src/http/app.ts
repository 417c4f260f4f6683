import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Gauge } from 'prom-client';
import { PROBE_TENANT } from '../domain/types';
import type { Engram } from '../engram';
import { EngramError } from '../errors';
import type { Action, Principal } from '../ports/edition';
import { bodyShapeGuard } from './body-guard';
import { IdempotencyGate } from './idempotency';
import { createMetrics } from './metrics';
import { buildOpenApi, docsInit, docsPage, swaggerUiDir } from './openapi';
import { problemHandler, sendProblem } from './problem';
import { prefixOf, RouteTable } from './route';
import { batchRoutes } from './routes/batch.routes';
import { graphRoutes } from './routes/graph.routes';
import { logRoutes } from './routes/logs.routes';
import { memoryRoutes } from './routes/memory.routes';
import { operationsRoutes } from './routes/operations.routes';
import { searchRoutes } from './routes/search.routes';
import { statusRoutes } from './routes/status.routes';
import { webhookRoutes } from './routes/webhook.routes';

export interface HttpOptions {
  version: string;
  /** Largest JSON body outside batches. */
  maxBodyBytes?: number;
}

/** The v1 HTTP API, shared unchanged by the OSS and cloud servers; editions differ only by plugins. */
export function createHttpApp(engram: Engram, options: HttpOptions): express.Express {
  const { ports, config } = engram;
  const logger = engram.logger.child({ component: 'http' });
  const metrics = createMetrics();
  // Job lag: how long the longest-waiting runnable job has waited, read when /metrics is scraped.
  new Gauge({
    name: 'engram_jobs_lag_seconds',
    help: 'How long the longest-waiting runnable background job has waited',
    registers: [metrics.registry],
    async collect() {
      this.set((await ports.jobQueue.lagSeconds?.().catch(() => 0)) ?? 0);
    },
  });
  for (const register of engram.http.metrics) register(metrics.registry);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    // A caller's request id is kept (when it looks like one) so traces join up across services.
    const incoming = req.get('x-request-id');
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.set({
      'X-Request-Id': requestId,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy':
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
    });
    // The time budget: a request still unanswered is answered for, so no client waits forever
    // and a load balancer sees a clear 503 rather than a hung connection.
    const budget = setTimeout(() => {
      if (res.headersSent) return;
      logger.warn(
        { request_id: requestId, method: req.method, path: req.path },
        'request overran its time budget',
      );
      res.setHeader('Retry-After', '5');
      sendProblem(
        res,
        new EngramError(
          'time_budget_exceeded',
          `the request was not answered within ${config.requests.time_budget_ms} ms`,
          {
            limit_ms: config.requests.time_budget_ms,
          },
        ),
        req.originalUrl,
      );
    }, config.requests.time_budget_ms);
    budget.unref();
    res.on('close', () => clearTimeout(budget));
    const end = metrics.duration.startTimer();
    const started = performance.now();
    res.on('finish', () => {
      const route =
        typeof res.locals.route === 'string'
          ? res.locals.route
          : req.route?.path
            ? `${req.baseUrl}${req.route.path}`
            : 'unmatched';
      const tier = typeof res.locals.tier === 'string' ? res.locals.tier : 'none';
      metrics.requests.inc({ method: req.method, route, status: res.statusCode, tier });
      end({ method: req.method, route, tier });
      logger[res.statusCode >= 500 ? 'error' : 'debug'](
        {
          request_id: requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  });

  // The root says where things are, for a person or a client that starts there.
  app.get('/', (_req, res) => {
    res.json({
      name: 'Engram',
      version: options.version,
      docs: '/docs',
      openapi: '/openapi.json',
      health: '/health',
      api: '/v1',
    });
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: options.version });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await ports.memoryStore.count(PROBE_TENANT);
      res.json({ status: 'ready' });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      sendProblem(res, new EngramError('dependency_unavailable', 'the memory store is not reachable'));
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // Longer than the time budget: a claim is only taken over once its request cannot still answer.
  const idempotencyGate = new IdempotencyGate(
    ports.idempotencyStore,
    config.requests.time_budget_ms * 2,
    logger,
  );
  const table = new RouteTable();
  // The principal goes to the sink; the anonymous (OSS) sink ignores it, an identified one uses it.
  memoryRoutes(table, engram, (n, principal) => {
    metrics.memoriesAdded.inc(n);
    ports.telemetry.capture('memory_added', { count: n }, principal);
  });
  searchRoutes(table, engram, (latencyMs, results, principal) => {
    metrics.searches.inc();
    ports.telemetry.capture('search_performed', { latency_ms: Math.round(latencyMs), results }, principal);
  });
  batchRoutes(table, engram, idempotencyGate);
  graphRoutes(table, engram);
  logRoutes(table, engram);
  webhookRoutes(table, engram);
  operationsRoutes(table, engram);
  statusRoutes(table, engram, metrics);
  for (const spec of engram.http.routes) table.add(spec);
  const openapi = buildOpenApi(table.routes, options.version);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('js').send(docsInit);
  });
  app.use('/docs/assets', express.static(swaggerUiDir(), { index: false, maxAge: '1h' }));
  for (const path of ['/', '/health', '/ready', '/metrics', '/openapi.json', '/docs']) {
    app.all(path, (req, res) => {
      res.set('Allow', 'GET, HEAD');
      throw new EngramError('method_not_allowed', `${req.method} is not allowed here; use GET`, {
        allow: ['GET', 'HEAD'],
      });
    });
  }

  // One router per API prefix (/v1, and the prefixes of compatibility routes such as mem0's
  // /v3), each with the same chain: JSON bodies, key, rate limit, plugins' middleware,
  // Idempotency-Key, then the routes with their permission.
  const apiRouter = (prefix: string) => {
    const router = express.Router();
    // API answers are per key and change with every write: never cached.
    router.use((_req: Request, res: Response, next: NextFunction) => {
      res.set('Cache-Control', 'no-store');
      next();
    });
    // Public routes first: raw bodies (their callers sign them), no key.
    const open = express.Router();
    for (const spec of table.routes.filter((r) => r.public && prefixOf(r) === prefix)) {
      open[spec.method](
        spec.path,
        express.raw({ type: () => true, limit: options.maxBodyBytes ?? 256 * 1024 }),
      );
    }
    table.mount(open, () => undefined, true, prefix);
    router.use(open);
    router.use(requireJson);
    // A batch body is read by its route as it arrives (readBatchStream): up to 10,000 items are
    // validated and stored page by page, never parsed whole. Every other body is parsed here.
    const json = express.json({ limit: options.maxBodyBytes ?? 256 * 1024 });
    router.use((req: Request, res: Response, next: NextFunction) => {
      // Matched as the router matches paths: case-insensitive, a trailing slash allowed.
      if (req.method === 'POST' && req.path.toLowerCase().replace(/\/+$/, '') === '/memory/batch') {
        res.locals.streamedBody = true;
        return next();
      }
      json(req, res, next);
    });
    router.use(bodyShapeGuard(config.requests.max_json_depth));
    router.use(async (req: Request, res: Response, next: NextFunction) => {
      const principal = await ports.authenticator.authenticate({ headers: req.headers });
      if (!principal) {
        res.set('WWW-Authenticate', 'Bearer');
        throw new EngramError(
          'unauthorized',
          'missing or invalid API key: send Authorization: Bearer <key> or X-API-Key',
        );
      }
      res.locals.principal = principal;
      next();
    });
    router.use(async (_req: Request, res: Response, next: NextFunction) => {
      const decision = await ports.rateLimiter.consume(res.locals.principal as Principal);
      if (decision.tier) res.locals.tier = decision.tier;
      // The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers): the policy, and what is left.
      if (decision.policy) {
        const { name, quota, windowSeconds } = decision.policy;
        res.set('RateLimit-Policy', `"${name}";q=${quota};w=${windowSeconds}`);
        res.set('RateLimit', `"${name}";r=${decision.remaining ?? 0};t=${decision.resetSeconds ?? 0}`);
      }
      if (!decision.allowed) {
        res.set('Retry-After', String(decision.retryAfterSeconds ?? 1));
        throw new EngramError('rate_limited', 'too many requests; retry after the Retry-After interval');
      }
      next();
    });
    for (const mw of engram.http.middleware) router.use(mw);
    router.use(idempotencyGate.middleware());
    table.mount(
      router,
      (principal: Principal, action: Action) => {
        if (!ports.authorizer.can(principal, action)) {
          throw new EngramError('forbidden', `this key may not perform ${action}`, { action });
        }
      },
      false,
      prefix,
    );
    router.use((req) => {
      throw new EngramError('not_found', `no route ${req.method} ${prefix}${req.path}`);
    });
    return router;
  };
  for (const prefix of new Set(['/v1', ...table.routes.map(prefixOf)])) {
    app.use(prefix, apiRouter(prefix));
  }
  for (const page of engram.http.pages) app.use(page.path, page.handler);
  app.use((req: Request) => {
    throw new EngramError('not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(problemHandler(logger));
  return app;
}

/** Bodies must be JSON: anything else is refused with 415 before it is parsed. */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    throw new EngramError(
      'unsupported_media_type',
      `send the body as application/json, not ${req.headers['content-type'] ?? 'no content type'}`,
    );
  }
  next();
}
