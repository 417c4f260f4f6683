import { createHash } from 'node:crypto';

/** Content compared for duplicates: Unicode-normalised, whitespace collapsed, case folded. */
const normalized = (content: string) => content.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

/** JSON with keys sorted at every level, so equal metadata compares equal whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What makes two adds the same memory: content after normalisation, every scope, type and metadata. */
export function identity(input: {
  content: string;
  user_id?: string | null;
  namespace?: string | null;
  agent_id?: string | null;
  session_id?: string | null;
  type?: string;
  metadata?: unknown;
}): string {
  return canonical([
    normalized(input.content),
    input.user_id ?? null,
    input.namespace ?? null,
    input.agent_id ?? null,
    input.session_id ?? null,
    input.type ?? 'text',
    input.metadata ?? {},
  ]);
}

/**
 * What a store indexes to find a memory's duplicates in one lookup: a hash of its identity
 * (content after normalisation, scopes, type, metadata).
 */
export function memoryFingerprint(memory: Parameters<typeof identity>[0]): string {
  return fingerprintOf(identity(memory));
}

/** The fingerprint of an identity already computed. */
export const fingerprintOf = (identityKey: string): string =>
  createHash('sha256').update(identityKey).digest('base64url');
