import path from 'node:path';
import { defineProvider, type EngramPlugin, keyHashes, type Provider } from '@engram/core';
import { z } from 'zod';
import { tenancyPlugin } from './plugin';

const text = (what: string) => z.string().min(1).optional().describe(what);

/**
 * Multi-tenancy: organisations, projects, project keys, RBAC, SSO and identified telemetry,
 * with the admin API. Fills the authenticator and authorizer (and telemetry with Amplitude).
 */
export const tenancyProvider = defineProvider({
  name: 'ee-tenancy',
  ports: ['authenticator', 'authorizer', 'telemetry'],
  description: 'Organisations, projects, project keys, RBAC, SSO (OIDC) and the admin API',
  settings: z.object({
    ENGRAM_ADMIN_KEY: text(
      'Platform admin key (cloud); unset: one is generated on first start and printed once',
    ),
    ENGRAM_OIDC_ISSUER: z
      .url()
      .optional()
      .describe('SSO: OIDC issuer (Auth0 or any), with _AUDIENCE and _JWKS_URI'),
    ENGRAM_OIDC_AUDIENCE: text('SSO: expected audience of access tokens'),
    ENGRAM_OIDC_JWKS_URI: z.url().optional().describe("SSO: the issuer's signing keys"),
    ENGRAM_AMPLITUDE_API_KEY: text('Identified telemetry (cloud): Amplitude API key'),
    ENGRAM_AMPLITUDE_SERVER_URL: z
      .url()
      .optional()
      .describe('Amplitude HTTP API endpoint (default: Amplitude)'),
    MONGODB_URL: z
      .url()
      .optional()
      .describe('MongoDB (or FerretDB): also holds the tenants in the cloud edition'),
  }),
  create: (s, ctx) => {
    const { ENGRAM_OIDC_ISSUER: issuer, ENGRAM_OIDC_AUDIENCE: audience, ENGRAM_OIDC_JWKS_URI: jwksUri } = s;
    const some = issuer || audience || jwksUri;
    if (some && !(issuer && audience && jwksUri)) {
      throw new Error('SSO needs all of ENGRAM_OIDC_ISSUER, ENGRAM_OIDC_AUDIENCE and ENGRAM_OIDC_JWKS_URI');
    }
    const admin = keyHashes(
      path.join(ctx.dataDir, 'admin-key.json'),
      s.ENGRAM_ADMIN_KEY ? [s.ENGRAM_ADMIN_KEY] : [],
    );
    const plugin: EngramPlugin & { startupNotice?: string; generatedKey?: string } = tenancyPlugin({
      // Tenants live beside the documents: in MongoDB when it holds them, else a SQLite file.
      store: s.MONGODB_URL ? { mongoUrl: s.MONGODB_URL } : { sqlite: path.join(ctx.dataDir, 'tenancy.db') },
      platformKeyHash: admin.hashes[0] ?? null,
      oidc: issuer && audience && jwksUri ? { issuer, audience, jwksUri } : undefined,
      amplitude:
        s.ENGRAM_AMPLITUDE_API_KEY && ctx.telemetry
          ? { apiKey: s.ENGRAM_AMPLITUDE_API_KEY, serverUrl: s.ENGRAM_AMPLITUDE_SERVER_URL }
          : undefined,
    });
    if (admin.generated) {
      plugin.generatedKey = admin.generated;
      plugin.startupNotice =
        `Platform admin key (shown only now; only its hash is stored):\n\n    ${admin.generated}\n\n` +
        `  Create an organisation: curl -X POST -H "Authorization: Bearer <key>" -H 'content-type: application/json' \\\n` +
        `    -d '{"name":"acme"}' http://localhost:$PORT/v1/admin/orgs`;
    }
    return plugin;
  },
});

/** ee's providers, in composition order (after the storage and model providers). */
export const eeProviders: Provider[] = [tenancyProvider] as Provider[];
