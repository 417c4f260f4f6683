import type { z } from 'zod';
import type { EngramConfig } from './config/config';
import type { EngramPlugin } from './plugin';
import type { Ports } from './ports';

/** What a provider knows when it is chosen and built: the server's own settings and the edition's. */
export interface ProviderContext {
  /** Where the server keeps its files (ENGRAM_DATA_DIR, resolved). */
  dataDir: string;
  /** The edition file with its ENGRAM_A__B overrides applied; providers' own sections included. */
  config: EngramConfig & Record<string, unknown>;
  /** The server's version, for providers that report it (telemetry). */
  version: string;
  /** Whether any telemetry may be sent: the edition's switch, unless ENGRAM_TELEMETRY=off or DO_NOT_TRACK=1. */
  telemetry: boolean;
}

/**
 * A plugin factory registered under a name, with the ports it fills and its own slice of the
 * settings schema (environment variable names as keys, zod schemas over the raw strings). A
 * server is a manifest: an ordered list of providers. At start-up every provider's slice is
 * validated together (an unknown or bad setting stops the server with one line naming it), then
 * each provider whose `enabled` says so is built from its parsed slice.
 */
export interface Provider<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  /** The ports its plugin fills (documentation and the start-up log; `provide` enforces the rest). */
  ports: (keyof Ports)[];
  /** One line for the settings table. */
  description: string;
  settings: z.ZodObject<S>;
  /** Sections of the edition file this provider owns (validated with core's, strictly). */
  config?: z.ZodRawShape;
  /** Whether this provider is part of the server with these settings (default: always). */
  enabled?(settings: z.infer<z.ZodObject<S>>, ctx: ProviderContext): boolean;
  create(settings: z.infer<z.ZodObject<S>>, ctx: ProviderContext): EngramPlugin | Promise<EngramPlugin>;
}

/** Declares a provider with its settings slice typed from the schema. */
export function defineProvider<S extends z.ZodRawShape>(provider: Provider<S>): Provider<S> {
  return provider;
}
