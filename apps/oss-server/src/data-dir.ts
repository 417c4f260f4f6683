import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey, hashKey } from '@engram/core';

/**
 * The hashes of the accepted API keys. Keys from ENGRAM_API_KEYS are hashed in memory; without
 * them, the first start generates one key, stores only its hash, and returns the key once so
 * it can be printed. A lost key is replaced by deleting api-keys.json.
 */
export function resolveApiKeys(
  dataDir: string,
  configured: string[],
): { hashes: string[]; generated: string | null } {
  if (configured.length) return { hashes: configured.map(hashKey), generated: null };
  const file = path.join(dataDir, 'api-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { sha256: string[] };
    return { hashes: stored.sha256, generated: null };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = generateApiKey();
  writeFileSync(file, JSON.stringify({ sha256: [hashKey(key)] }, null, 2), { mode: 0o600 });
  return { hashes: [hashKey(key)], generated: key };
}

/** A random id for anonymous telemetry, made once per data directory. */
export function installId(dataDir: string): string {
  const file = path.join(dataDir, 'install-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const id = randomUUID();
  writeFileSync(file, id);
  return id;
}
