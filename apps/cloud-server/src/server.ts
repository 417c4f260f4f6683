import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey, hashKey } from '@engram/core';
import { type OidcOptions, tenancyPlugin } from '@engram/ee';
import { createOssServer, type OssServer } from '@engram/oss-server';
import type { Logger } from 'pino';

export interface CloudServer extends OssServer {
  /** The platform admin key generated on first start (null when configured or already made). */
  generatedAdminKey: string | null;
}

/** The platform admin key's hash: from ENGRAM_ADMIN_KEY, or generated once and kept hashed. */
function platformKey(
  dataDir: string,
  configured: string | undefined,
): { hash: string; generated: string | null } {
  if (configured) return { hash: hashKey(configured), generated: null };
  const file = path.join(dataDir, 'admin-key.json');
  if (existsSync(file))
    return { hash: (JSON.parse(readFileSync(file, 'utf8')) as { sha256: string }).sha256, generated: null };
  mkdirSync(dataDir, { recursive: true });
  const key = generateApiKey();
  writeFileSync(file, JSON.stringify({ sha256: hashKey(key) }), { mode: 0o600 });
  return { hash: hashKey(key), generated: key };
}

/** SSO is on when ENGRAM_OIDC_ISSUER, _AUDIENCE and _JWKS_URI are all set. */
function oidcFrom(env: NodeJS.ProcessEnv): OidcOptions | undefined {
  const { ENGRAM_OIDC_ISSUER: issuer, ENGRAM_OIDC_AUDIENCE: audience, ENGRAM_OIDC_JWKS_URI: jwksUri } = env;
  if (!issuer && !audience && !jwksUri) return undefined;
  if (!issuer || !audience || !jwksUri) {
    throw new Error('SSO needs all of ENGRAM_OIDC_ISSUER, ENGRAM_OIDC_AUDIENCE and ENGRAM_OIDC_JWKS_URI');
  }
  return { issuer, audience, jwksUri };
}

/**
 * The cloud edition: the same composition and HTTP API as the OSS server, plus ee plugins
 * (tenancy, project keys, RBAC, admin API). Edition defaults come from config/cloud.yaml.
 */
export async function createCloudServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger } = {},
): Promise<CloudServer> {
  const withEdition: NodeJS.ProcessEnv = { ENGRAM_EDITION: 'cloud', ...env };
  const dataDir = path.resolve(withEdition.ENGRAM_DATA_DIR || './data');
  const admin = platformKey(dataDir, withEdition.ENGRAM_ADMIN_KEY);
  const oss = await createOssServer(withEdition, {
    logger: options.logger,
    extraPlugins: [
      tenancyPlugin({
        path: path.join(dataDir, 'tenancy.db'),
        platformKeyHash: admin.hash,
        oidc: oidcFrom(withEdition),
        amplitude: withEdition.ENGRAM_AMPLITUDE_API_KEY
          ? {
              apiKey: withEdition.ENGRAM_AMPLITUDE_API_KEY,
              serverUrl: withEdition.ENGRAM_AMPLITUDE_SERVER_URL,
            }
          : undefined,
      }),
    ],
  });
  return { ...oss, generatedAdminKey: admin.generated };
}
