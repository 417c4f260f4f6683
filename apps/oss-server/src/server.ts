import type { EngramPlugin } from '@engram/core';
import { createServer, type EngramServer, openSourceManifest } from '@engram/server';
import type { Logger } from 'pino';

export const VERSION = '0.1.0';

export type OssServer = EngramServer;

/** The open-source server: the open-source manifest, with config/opensource.yaml. */
export function createOssServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger; extraPlugins?: EngramPlugin[] } = {},
): Promise<OssServer> {
  return createServer(openSourceManifest, env, { edition: 'opensource', version: VERSION, ...options });
}
