import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey, hashKey } from './api-key-authenticator';

/**
 * The SHA-256 hashes of the keys a server accepts (API keys, the cloud's platform admin key).
 * Configured keys are hashed in memory; without any, the first start generates one, stores only
 * its hash in `file`, and returns the key once so it can be printed. A lost key is replaced by
 * deleting the file.
 */
export function keyHashes(
  file: string,
  configured: string[],
): { hashes: string[]; generated: string | null } {
  if (configured.length) return { hashes: configured.map(hashKey), generated: null };
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { sha256: string[] | string };
    return { hashes: ([] as string[]).concat(stored.sha256), generated: null };
  }
  mkdirSync(path.dirname(file), { recursive: true });
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
