import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { validate } from '../domain/validate';
import { EngramError } from '../errors';
import type { Action, Principal } from '../ports/edition';

export interface RouteSpec<Q extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path below /v1, e.g. `/memory/:id`. */
  path: string;
  summary: string;
  tag: string;
  action: Action;
  /** Request body schema, for the OpenAPI document (services validate the body themselves). */
  body?: z.ZodType;
  query?: Q;
  /** The success answer's schema, for /openapi.json (a named one from domain/response-schemas). */
  response?: z.ZodType;
  status?: number;
  /**
   * The API prefix the route lives under (default /v1). Compatibility routes of other APIs
   * (mem0's /v3) name theirs; the same key, limits and permissions apply.
   */
  prefix?: string;
  /** Another success status the handler may choose (200 for an add that found its duplicate). */
  alternateStatus?: number;
  /** Error statuses this route answers beyond the ones every route can (for /openapi.json). */
  errors?: number[];
  /**
   * The route speaks a protocol with its own error bodies (JSON-RPC for /mcp): its errors may
   * come as application/json in that protocol's shape, besides Engram's problem+json.
   */
  protocolErrors?: string;
  /**
   * Reached without an API key, with the body as raw bytes (`req.body` is a Buffer): for
   * callers that sign their requests instead (a payment provider's webhooks). The handler
   * authenticates the request itself; `principal` is an anonymous one with no scopes.
   */
  public?: boolean;
  /** Returns the JSON body, or undefined when it wrote the response itself (streams). */
  handler: (ctx: {
    req: Request;
    res: Response;
    principal: Principal;
    query: z.infer<Q>;
  }) => Promise<unknown>;
}

/** The API prefix a route lives under. */
export const prefixOf = (spec: Pick<RouteSpec, 'prefix'>): string => spec.prefix ?? '/v1';

/** Collected route specs: mounted on the router and described in /openapi.json from one definition. */
export class RouteTable {
  readonly routes: RouteSpec[] = [];

  add<Q extends z.ZodType>(spec: RouteSpec<Q>): void {
    this.routes.push(spec as unknown as RouteSpec);
  }

  /** Mounts the routes that need a key (`public: false`) or the public ones (`public: true`). */
  mount(
    router: Router,
    authorize: (principal: Principal, action: Action) => void,
    publicRoutes = false,
    prefix = '/v1',
  ): void {
    const routes = this.routes.filter(
      (spec) => Boolean(spec.public) === publicRoutes && prefixOf(spec) === prefix,
    );
    for (const spec of routes) {
      router[spec.method](spec.path, async (req, res) => {
        // The route template, kept for the metrics: an error answered outside this router no
        // longer knows the mount path (/v1) by the time the response finishes.
        res.locals.route = `${req.baseUrl}${spec.path}`;
        const principal = spec.public
          ? { tenant_id: '', subject: 'anonymous', scopes: [] }
          : (res.locals.principal as Principal);
        if (!spec.public) authorize(principal, spec.action);
        const query = spec.query ? validate(spec.query, req.query, 'query') : {};
        const body = await spec.handler({ req, res, principal, query });
        // Undefined: the handler wrote the response (streams); sent: the time budget answered.
        if (body === undefined || res.headersSent) return;
        // A handler may choose another success status for this answer (200 for a deduplicated add).
        res.status(res.locals.status ?? spec.status ?? 200).json(body);
      });
    }
    // A known path with another method is 405 with the methods it has, not 404.
    const methods = new Map<string, string[]>();
    for (const spec of routes) methods.set(spec.path, [...(methods.get(spec.path) ?? []), spec.method]);
    for (const [path, allowed] of methods) {
      router.all(path, (req, res) => {
        const allow = allowed.map((m) => m.toUpperCase()).join(', ');
        res.set('Allow', allow);
        throw new EngramError('method_not_allowed', `${req.method} is not allowed here; use ${allow}`, {
          allow: allowed.map((m) => m.toUpperCase()),
        });
      });
    }
  }
}

/** Common query fields. `limit` arrives as a string and is coerced. */
export const pageQuery = z.object({
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export function requireParam(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !value) throw new EngramError('validation_failed', `${name} is required`);
  return value;
}
