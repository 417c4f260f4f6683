import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EngramError, type Provider } from '@engram/core';
import { z } from 'zod';

/**
 * Settings come from the environment (and a `.env` file beside the process, which the real
 * environment overrides), under the names the README lists. Each provider brings its slice;
 * these are the server's own.
 */
export const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .optional()
  .transform((v) => v !== undefined && /^(1|true|yes|on)$/.test(v));

const integer = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'an integer').transform(Number).pipe(z.number().int().min(min).max(max));

export const baseSettings = z.object({
  PORT: integer(0, 65535).optional().describe('HTTP port (default 8080)'),
  HOST: z.string().min(1).optional().describe('Interface to bind (default 0.0.0.0)'),
  ENGRAM_DATA_DIR: z
    .string()
    .min(1)
    .optional()
    .describe('Where the SQLite file, key hashes and install id live (default ./data)'),
  ENGRAM_EDITION: z
    .enum(['opensource', 'cloud'])
    .optional()
    .describe("Which edition file in config/ holds the limits: opensource or cloud (default: the app's)"),
  ENGRAM_CONFIG: z.string().min(1).optional().describe('Path of an edition file (overrides ENGRAM_EDITION)'),
  ENGRAM_PROCESSES: integer(1, 64)
    .optional()
    .describe(
      'Server processes sharing the port and the data (default 1); one per core serves searches on every core',
    ),
  ENGRAM_JOB_LEASE_MS: integer(500, 3_600_000)
    .optional()
    .describe('How soon background work of a crashed process resumes, ms (default 10000)'),
  ENGRAM_WEBHOOK_ALLOW_PRIVATE: flag.describe(
    'Allow webhook targets on private and loopback addresses (never link-local or metadata)',
  ),
  ENGRAM_TELEMETRY: z
    .enum(['on', 'off', '1', '0', 'true', 'false', 'yes', 'no'])
    .optional()
    .describe('off: no telemetry of any kind (telemetry.enabled in the edition file is the default)'),
  DO_NOT_TRACK: flag.describe('1: no telemetry (the DO_NOT_TRACK convention)'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .describe('Log level (default info)'),
});

export type BaseSettings = z.infer<typeof baseSettings>;

/**
 * Variables with the ENGRAM_ prefix that belong to the test and build tooling, not to the
 * server: the server ignores them rather than calling them unknown.
 */
const TOOLING = /^ENGRAM_(TEST_|CACHE$|NEO4J_HOME$)/;

/** Secrets are shown as `(set)` by --print-config and in start-up errors. */
const SECRET = /(KEY|PASSWORD|SECRET|TOKEN)$/;

/** KEY=VALUE lines, `#` comments, optional quotes: the part of the .env format servers use. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '');
    out[match[1]!] = value;
  }
  return out;
}

/** The environment with a `.env` file under it (ENGRAM_ENV_FILE, else ./.env when it exists). */
export function withDotEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): NodeJS.ProcessEnv {
  const file = env.ENGRAM_ENV_FILE ?? path.join(cwd, '.env');
  if (!existsSync(file)) {
    if (env.ENGRAM_ENV_FILE)
      throw new EngramError('config_invalid', `ENGRAM_ENV_FILE: ${file} does not exist`);
    return env;
  }
  return { ...parseDotEnv(readFileSync(file, 'utf8')), ...env };
}

/** One schema for a whole server: its own settings and every provider's slice. */
export function settingsSchema(providers: Provider[]): z.ZodObject<z.ZodRawShape> {
  let shape: z.ZodRawShape = { ...baseSettings.shape };
  for (const provider of providers) shape = { ...shape, ...provider.settings.shape };
  return z.object(shape);
}

/**
 * Validates the environment against the schema. A bad value, or an ENGRAM_ variable the schema
 * does not know (a typo, or a setting of another edition), stops start-up with one line naming
 * it; `ENGRAM_A__B` variables override the edition file and are checked there.
 */
export function readSettings(
  schema: z.ZodObject<z.ZodRawShape>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const known = Object.keys(schema.shape);
  const unknown = Object.keys(env).filter(
    (name) =>
      name.startsWith('ENGRAM_') &&
      // Empty is unset (compose files pass `${VAR:-}` through): only a set value must be known.
      env[name] !== '' &&
      !name.includes('__') &&
      name !== 'ENGRAM_ENV_FILE' &&
      !TOOLING.test(name) &&
      !known.includes(name),
  );
  if (unknown.length) {
    const accepted = known.filter((k) => k.startsWith('ENGRAM_')).join(', ');
    throw new EngramError(
      'config_invalid',
      `unknown setting ${unknown.join(', ')}; this server accepts ${accepted} (and ENGRAM_<SECTION>__<KEY> for the edition file)`,
    );
  }
  const input = Object.fromEntries(known.map((name) => [name, env[name] === '' ? undefined : env[name]]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const given = SECRET.test(name) ? '(set)' : JSON.stringify(env[name]);
    throw new EngramError('config_invalid', `${name}=${given}: ${issue.message}`, {
      errors: parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })),
    });
  }
  return parsed.data;
}

/** The effective settings, secrets redacted: what `--print-config` shows. */
export function redacted(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, SECRET.test(k) && v ? '(set)' : v]),
  );
}

/** The README's settings table, generated from the schema (a test keeps the README in step). */
export function settingsTable(schema: z.ZodObject<z.ZodRawShape>): string {
  const rows = Object.entries(schema.shape)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, field]) => `| \`${name}\` | ${(field as z.ZodType).description ?? ''} |`);
  return ['| Variable | What it sets |', '| --- | --- |', ...rows].join('\n');
}
