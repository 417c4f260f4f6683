import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TENANT } from '../domain/types';
import type { Authenticator, AuthRequest, Principal } from '../ports/edition';

export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new key: a readable prefix, then 32 random bytes. */
export const generateApiKey = (): string => `egm_${randomBytes(32).toString('base64url')}`;

/** Reads `Authorization: Bearer <key>`, `Authorization: Token <key>` (mem0's clients) or `X-API-Key: <key>`. */
export function presentedKey(request: AuthRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(auth.trim());
    if (match) return match[1]!;
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : null;
}

/**
 * The OSS authenticator: a set of keys for the single default tenant. Only SHA-256 hashes are
 * held (keys are long random strings, so a fast hash is enough); comparison is constant-time.
 */
export class ApiKeyAuthenticator implements Authenticator {
  private readonly hashes: Buffer[];

  constructor(
    keyHashes: string[],
    private readonly tenantId = DEFAULT_TENANT,
  ) {
    this.hashes = keyHashes.map((h) => Buffer.from(h, 'hex'));
  }

  async authenticate(request: AuthRequest): Promise<Principal | null> {
    const key = presentedKey(request);
    if (!key) return null;
    const candidate = Buffer.from(hashKey(key), 'hex');
    // Compare against every hash, always, so timing does not reveal which one matched.
    let match = -1;
    this.hashes.forEach((h, i) => {
      if (timingSafeEqual(h, candidate)) match = i;
    });
    if (match < 0) return null;
    return { tenant_id: this.tenantId, subject: `key_${match}`, scopes: ['admin'] };
  }
}
