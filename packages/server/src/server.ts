import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import {
  createEngram,
  createHttpApp,
  type Engram,
  type EngramConfig,
  EngramError,
  type EngramPlugin,
  loadConfig,
  type Provider,
  type ProviderContext,
} from '@engram/core';
import pino, { type Logger } from 'pino';
import { type BaseSettings, readSettings, redacted, settingsSchema, withDotEnv } from './settings';

/** A process role a plugin offers besides serving HTTP (`worker`): started over the composed Engram. */
export type ServerRole = (
  engram: Engram,
  logger: Logger,
) => Promise<{ stop(): Promise<void>; done: Promise<void> }>;

/** A plugin a provider built, with what the server should print once at start (a generated key). */
export interface ServerPlugin extends EngramPlugin {
  startupNotice?: string;
  generatedKey?: string;
  /** Roles this plugin can run a process as (`engram-cloud worker`). */
  roles?: Record<string, ServerRole>;
}

export interface ServerOptions {
  /** The edition whose file holds the defaults when ENGRAM_EDITION and ENGRAM_CONFIG are unset. */
  edition: 'opensource' | 'cloud';
  version: string;
  logger?: Logger;
  /** Composed after the manifest's providers (tests, embedding apps). */
  extraPlugins?: EngramPlugin[];
}

/** Everything a server reads before it opens anything: what `--print-config` shows. */
export interface ResolvedSettings {
  port: number;
  host: string;
  dataDir: string;
  edition: string;
  configFile: string;
  config: EngramConfig;
  /** Every setting of the schema, parsed (undefined where unset). */
  values: Record<string, unknown>;
  /** Which providers of the manifest these settings choose, in composition order. */
  providers: string[];
}

export interface EngramServer {
  app: ReturnType<typeof createHttpApp>;
  engram: Engram;
  settings: ResolvedSettings;
  /** A key generated on first start (printed once; only its hash is kept), or null. */
  generatedKey: string | null;
  /** Lines to print once at start (generated keys). */
  notices: string[];
  /** The roles the composed plugins offer, by name (run instead of listening). */
  roles: Record<string, ServerRole>;
  listen(port?: number): Promise<Server>;
  close(): Promise<void>;
}

function findConfigDir(): string {
  // Works from src/ (tests), dist/ (built) and the Docker image layout alike.
  for (const up of ['../../../config', '../../config', '../config', './config']) {
    const dir = path.resolve(__dirname, up);
    if (existsSync(path.join(dir, 'opensource.yaml'))) return dir;
  }
  return path.resolve(process.cwd(), 'config');
}

const sliceOf = (provider: Provider, values: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(provider.settings.shape).map((k) => [k, values[k]]));

/**
 * Reads and validates every setting of the manifest (environment over `.env`), loads the edition
 * file, and decides which providers take part. Opens nothing.
 */
export function resolveSettings(
  manifest: Provider[],
  env: NodeJS.ProcessEnv,
  options: Pick<ServerOptions, 'edition' | 'version'>,
): ResolvedSettings & { context: ProviderContext; chosen: Provider[] } {
  const merged = withDotEnv(env);
  const values = readSettings(settingsSchema(manifest), merged);
  const base = values as BaseSettings;
  const edition = base.ENGRAM_EDITION ?? options.edition;
  const configFile = base.ENGRAM_CONFIG
    ? path.resolve(base.ENGRAM_CONFIG)
    : path.join(findConfigDir(), `${edition}.yaml`);
  const sections = Object.assign({}, ...manifest.map((p) => p.config ?? {}));
  const config = loadConfig(configFile, merged, sections);
  const dataDir = path.resolve(base.ENGRAM_DATA_DIR ?? './data');
  const telemetry =
    config.telemetry.enabled && !/^(off|0|false|no)$/.test(base.ENGRAM_TELEMETRY ?? '') && !base.DO_NOT_TRACK;
  const context: ProviderContext = { dataDir, config, version: options.version, telemetry };
  const chosen = manifest.filter((p) => !p.enabled || p.enabled(sliceOf(p, values), context));
  return {
    port: base.PORT ?? 8080,
    host: base.HOST ?? '0.0.0.0',
    dataDir,
    edition,
    configFile,
    config,
    values,
    providers: chosen.map((p) => p.name),
    context,
    chosen,
  };
}

/** What `--print-config` prints: the effective settings and edition config, secrets redacted. */
export function describeSettings(settings: ResolvedSettings): Record<string, unknown> {
  return {
    edition: settings.edition,
    config_file: settings.configFile,
    data_dir: settings.dataDir,
    listen: `${settings.host}:${settings.port}`,
    providers: settings.providers,
    settings: redacted(settings.values),
    config: settings.config,
  };
}

/**
 * Builds a server from a manifest: one settings schema over every provider's slice, the chosen
 * providers' plugins composed in manifest order (then `extraPlugins`), and the v1 HTTP API.
 */
export async function createServer(
  manifest: Provider[],
  env: NodeJS.ProcessEnv,
  options: ServerOptions,
): Promise<EngramServer> {
  const settings = resolveSettings(manifest, env, options);
  const base = settings.values as BaseSettings;
  const logger = options.logger ?? pino({ level: base.LOG_LEVEL ?? 'info' });
  const plugins: ServerPlugin[] = [];
  for (const provider of settings.chosen) {
    plugins.push(await provider.create(sliceOf(provider, settings.values), settings.context));
  }
  const engram = await createEngram({
    config: settings.config,
    logger,
    allowPrivateWebhooks: Boolean(base.ENGRAM_WEBHOOK_ALLOW_PRIVATE),
    jobLeaseMs: base.ENGRAM_JOB_LEASE_MS,
    plugins: [...plugins, ...(options.extraPlugins ?? [])],
  });
  const app = createHttpApp(engram, { version: options.version });
  let server: Server | null = null;
  const { context: _c, chosen: _p, ...visible } = settings;
  return {
    app,
    engram,
    settings: visible,
    generatedKey: plugins.find((p) => p.generatedKey)?.generatedKey ?? null,
    notices: plugins.flatMap((p) => (p.startupNotice ? [p.startupNotice] : [])),
    roles: Object.assign({}, ...plugins.map((p) => p.roles ?? {})),
    async listen(port = settings.port) {
      await engram.start();
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(port, settings.host);
        s.once('listening', () => resolve(s));
        s.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            err.code === 'EADDRINUSE'
              ? new EngramError(
                  'config_invalid',
                  `port ${port} on ${settings.host} is already in use (set PORT)`,
                )
              : err,
          ),
        );
      });
      engram.ports.telemetry.capture('server_started', {
        edition: settings.config.edition,
        embedder: engram.ports.embedder.modelId,
      });
      return server;
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
      await engram.shutdown();
    },
  };
}
