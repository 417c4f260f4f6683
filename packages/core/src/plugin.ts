import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EngramConfig } from './config/config';
import type { HookBus } from './hooks';
import type { RouteSpec } from './http/route';
import type { Ports } from './ports';
import type { Services } from './services';

export interface HttpExtensions {
  /** Middleware run on every /v1 request after authentication (rate limits, metering…). */
  middleware: RequestHandler[];
  /**
   * Routes below /v1, in the same route table as core's: body and query schemas, the action
   * the authorizer checks, and the entry in /openapi.json all come from the spec.
   */
  routes: RouteSpec[];
  /** Collectors a plugin adds to the server's /metrics registry (prom-client). */
  metrics: ((registry: Registry) => void)[];
  /**
   * Browser pages served beside the API (ee's analytics dashboard), outside /v1 and the OpenAPI
   * document. They get the server's security headers and error bodies; each authenticates its
   * own requests.
   */
  pages: { path: string; handler: RequestHandler }[];
}

export interface PluginContext {
  readonly config: EngramConfig;
  readonly logger: Logger;
  /**
   * Fills a port. A port already filled by an earlier plugin is refused at start-up, naming
   * both, unless this provider says it `replaces` it (an LLM extractor replacing the rule-based
   * default, a multi-tenant authenticator replacing single-tenant keys).
   */
  provide<K extends keyof Ports>(port: K, implementation: Ports[K], options?: { replaces?: boolean }): void;
  /** A port provided by an earlier plugin (e.g. ee wrapping core's authenticator). */
  get<K extends keyof Ports>(port: K): Ports[K] | undefined;
  readonly hooks: HookBus;
  readonly http: HttpExtensions;
  /** Called once every port is filled and services exist, before the server listens. */
  onReady(fn: (services: Services, ports: Ports) => Promise<void> | void): void;
}

export interface EngramPlugin {
  name: string;
  setup(ctx: PluginContext): Promise<void> | void;
  shutdown?(): Promise<void>;
}
