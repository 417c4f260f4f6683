import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { type Authenticator, type AuthRequest, EngramError, type Principal } from '@engram/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { RollupBackend } from './rollups';

export const SESSION_COOKIE = 'engram_dashboard';
/** Sent by the dashboard's own scripts: a cross-site page cannot add it without a CORS preflight. */
export const DASHBOARD_HEADER = 'x-engram-dashboard';
const SESSION_HOURS = 8;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

function cookieOf(headers: AuthRequest['headers'], name: string): string | undefined {
  const raw = headers.cookie;
  for (const part of (Array.isArray(raw) ? raw.join(';') : (raw ?? '')).split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * A dashboard session is a random token in an HttpOnly, SameSite=Strict cookie; only its hash
 * is stored. It authenticates API requests only when they also carry the dashboard's header
 * (so a form or image on another site cannot use it), and only to read: the principal it gives
 * has the `read` scope whatever the key that signed in could do.
 */
export class DashboardAuthenticator implements Authenticator {
  constructor(
    private readonly inner: Authenticator,
    private readonly sessions: Pick<RollupBackend, 'getSession'>,
  ) {}

  async authenticate(request: AuthRequest): Promise<Principal | null> {
    const { headers } = request;
    if (headers.authorization || headers['x-api-key'] || !headers[DASHBOARD_HEADER]) {
      return this.inner.authenticate(request);
    }
    return sessionPrincipal(this.sessions, headers);
  }
}

async function sessionPrincipal(
  sessions: Pick<RollupBackend, 'getSession'>,
  headers: AuthRequest['headers'],
): Promise<Principal | null> {
  const token = cookieOf(headers, SESSION_COOKIE);
  if (!token) return null;
  const session = await sessions.getSession(hashOf(token));
  if (!session || session.expires_at < new Date().toISOString()) return null;
  return {
    tenant_id: session.tenant_id,
    subject: session.subject,
    role: session.role ?? undefined,
    scopes: ['read'],
  };
}

export interface DashboardOptions {
  /** Checks a project key or SSO access token, as the API would. */
  authenticate: (credential: string) => Promise<Principal | null>;
  can: (principal: Principal) => boolean;
  /** Refuses (throws) when the project's plan has no analytics. */
  allowed: (principal: Principal) => Promise<void>;
  sessions: Pick<RollupBackend, 'putSession' | 'getSession' | 'deleteSession'>;
}

const pagesDir = path.join(__dirname, '..', '..', 'dashboard');

/**
 * /dashboard: the page and its scripts (no inline script: the server's CSP allows scripts from
 * this origin only), and its session (sign in with a key, sign out). The numbers come from
 * /v1/analytics/* and /v1/logs/*, called with the session cookie.
 */
export function dashboardPages(options: DashboardOptions): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const uplot = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
  router.use('/vendor', express.static(uplot, { index: false }));
  router.use(express.static(pagesDir, { index: 'index.html' }));

  // Changing the session needs a JSON body or the dashboard's header, and a same-origin Origin
  // when the browser sends one: a cross-site form can do neither.
  const sameOrigin = (req: Request, _res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && origin !== `${req.protocol}://${req.get('host')}`) {
      throw new EngramError('forbidden', 'sign-in is accepted from the dashboard only');
    }
    if (!req.get(DASHBOARD_HEADER)) {
      throw new EngramError('forbidden', `send the ${DASHBOARD_HEADER} header`);
    }
    next();
  };
  router.post('/session', sameOrigin, express.json({ limit: '8kb' }), async (req, res) => {
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    if (!key) {
      throw new EngramError('validation_failed', 'key: a project API key or SSO access token', {
        errors: [{ field: 'key', message: 'required' }],
      });
    }
    const principal = await options.authenticate(key);
    if (!principal) throw new EngramError('unauthorized', 'that key or token is not valid');
    if (!options.can(principal)) throw new EngramError('forbidden', 'this key may not read analytics');
    await options.allowed(principal);
    const token = randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + SESSION_HOURS * 3_600_000);
    await options.sessions.putSession(hashOf(token), {
      tenant_id: principal.tenant_id,
      subject: principal.subject,
      role: principal.role ?? null,
      expires_at: expires.toISOString(),
    });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires,
    });
    res
      .status(201)
      .json({ project_id: principal.tenant_id, role: principal.role ?? null, expires_at: expires });
  });
  router.get('/session', async (req, res) => {
    // Answered 200 either way: asking whether one is signed in is not an error.
    const principal = await sessionPrincipal(options.sessions, req.headers);
    res.json(
      principal
        ? { signed_in: true, project_id: principal.tenant_id, role: principal.role ?? null }
        : { signed_in: false },
    );
  });
  router.delete('/session', sameOrigin, async (req, res) => {
    const token = cookieOf(req.headers, SESSION_COOKIE);
    if (token) await options.sessions.deleteSession(hashOf(token));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  return router;
}
