import type { EngramPlugin } from '@engram/core';
import { eeProviders } from '@engram/ee';
import { createServer, type EngramServer, mcpHttpProvider, storageAndModelProviders } from '@engram/server';
import type { Logger } from 'pino';

export const VERSION = '0.1.0';

/**
 * The cloud manifest: the same storage and model providers as the open-source server, and ee's
 * instead of single-tenant keys and anonymous telemetry. Defaults come from config/cloud.yaml.
 */
export const cloudManifest = [...storageAndModelProviders, ...eeProviders, mcpHttpProvider];

export interface CloudServer extends EngramServer {
  /** The platform admin key generated on first start (null when configured or already made). */
  generatedAdminKey: string | null;
}

export async function createCloudServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger; extraPlugins?: EngramPlugin[] } = {},
): Promise<CloudServer> {
  const server = await createServer(cloudManifest, env, { edition: 'cloud', version: VERSION, ...options });
  return { ...server, generatedAdminKey: server.generatedKey };
}
