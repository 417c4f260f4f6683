import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey, hashKey } from '@engram/core';
import { tenancyPlugin } from '@engram/ee';
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
    extraPlugins: [tenancyPlugin({ path: path.join(dataDir, 'tenancy.db'), platformKeyHash: admin.hash })],
  });
  return { ...oss, generatedAdminKey: admin.generated };
}
