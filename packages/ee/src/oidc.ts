import {
  type Authenticator,
  type AuthRequest,
  type EntitlementDecision,
  entitlementError,
  type Principal,
  presentedKey,
  type Scope,
} from '@engram/core';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { Role, TenancyStore } from './tenancy-store';

export interface OidcOptions {
  /** Expected `iss`, e.g. https://your-tenant.auth0.com/ */
  issuer: string;
  /** Expected `aud`: the API identifier configured in Auth0. */
  audience: string;
  /** The issuer's key set, e.g. https://your-tenant.auth0.com/.well-known/jwks.json */
  jwksUri: string;
  /** Claim names (Auth0 custom claims are namespaced URLs). */
  claims?: { org?: string; project?: string; role?: string };
}

/** Only asymmetric algorithms: an HMAC "signed" with the public key must never verify. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const ROLES: Role[] = ['owner', 'admin', 'developer', 'viewer'];
const SCOPES_OF_ROLE: Record<Role, Scope[]> = {
  owner: ['admin'],
  admin: ['admin'],
  developer: ['write'],
  viewer: ['read'],
};

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/**
 * SSO: validates OIDC access tokens (Auth0 or any issuer) against the issuer's JWKS, with
 * audience, issuer, expiry and not-before checked, and maps claims to a project and a role.
 * The project must belong to the token's organisation; a membership record, when there is
 * one, decides the role over the token's claim.
 */
export class OidcAuthenticator implements Authenticator {
  private readonly jwks;
  private readonly claims: { org: string; project: string; role: string };

  constructor(
    private readonly options: OidcOptions,
    private readonly store: TenancyStore,
    /** When plans are enforced: whether the project's plan includes SSO (refused: 403). */
    private readonly ssoAllowed?: (projectId: string) => Promise<EntitlementDecision>,
  ) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: 30_000,
      timeoutDuration: 5000,
    });
    this.claims = {
      org: options.claims?.org ?? 'https://engram.dev/org_id',
      project: options.claims?.project ?? 'https://engram.dev/project_id',
      role: options.claims?.role ?? 'https://engram.dev/role',
    };
  }

  async authenticate(request: AuthRequest): Promise<Principal | null> {
    const token = presentedKey(request);
    if (!token || !looksLikeJwt(token)) return null;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch {
      return null; // expired, not yet valid, wrong audience/issuer, bad signature, unknown key…
    }
    const org = payload[this.claims.org];
    const projectId = payload[this.claims.project];
    if (typeof org !== 'string' || typeof projectId !== 'string' || !payload.sub) return null;
    const project = await this.store.getProject(projectId);
    if (!project || project.org_id !== org) return null;
    const member = (await this.store.listMembers(org)).find((m) => m.user_id === payload.sub);
    const claimed = payload[this.claims.role];
    const role = member?.role ?? (ROLES.includes(claimed as Role) ? (claimed as Role) : null);
    if (!role) return null;
    const decision = await this.ssoAllowed?.(project.id);
    if (decision && !decision.allowed) throw entitlementError(decision, 'SSO is not in this plan');
    return {
      tenant_id: project.id,
      subject: payload.sub,
      user_id: payload.sub,
      role,
      scopes: SCOPES_OF_ROLE[role],
    };
  }
}

/** Tries each authenticator in turn: API keys and SSO tokens side by side. */
export class FirstMatchAuthenticator implements Authenticator {
  constructor(private readonly chain: Authenticator[]) {}

  async authenticate(request: AuthRequest): Promise<Principal | null> {
    for (const authenticator of this.chain) {
      const principal = await authenticator.authenticate(request);
      if (principal) return principal;
    }
    return null;
  }
}
