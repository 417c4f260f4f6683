import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type Authenticator,
  type AuthRequest,
  newId,
  nowIso,
  type Principal,
  presentedKey,
} from '@engram/core';
import type { ApiKeyRecord, KeyScope, TenancyStore } from './tenancy-store';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** `egk_<8 chars>_<secret>`: the first part finds the record, the whole key proves possession. */
const KEY_PATTERN = /^(egk_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

export interface IssuedKey {
  /** The key itself: returned once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

export async function issueKey(
  store: TenancyStore,
  projectId: string,
  name: string,
  scopes: KeyScope[],
  expiresAt: string | null,
): Promise<IssuedKey> {
  const prefix = `egk_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8)}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id: newId('key'),
    project_id: projectId,
    name,
    prefix,
    hash: sha256(key),
    scopes,
    created_at: nowIso(),
    expires_at: expiresAt,
    revoked_at: null,
  };
  await store.createKey(record);
  return { key, record };
}

/** The role a key acts with follows from its widest scope. */
export const roleOfScopes = (scopes: KeyScope[]) =>
  scopes.includes('admin') ? 'admin' : scopes.includes('write') ? 'developer' : 'viewer';

/**
 * Project API keys. Each request looks the key up by its prefix and compares the SHA-256 of
 * the whole key in constant time; revocation and expiry are read on every request, so they
 * take effect on the next one. The platform admin key (hash from configuration) opens only
 * the admin API.
 */
export class TenantKeyAuthenticator implements Authenticator {
  constructor(
    private readonly store: TenancyStore,
    private readonly platformKeyHash: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async authenticate(request: AuthRequest): Promise<Principal | null> {
    const key = presentedKey(request);
    if (!key) return null;
    const candidate = Buffer.from(sha256(key), 'hex');
    if (this.platformKeyHash && timingSafeEqual(candidate, Buffer.from(this.platformKeyHash, 'hex'))) {
      return { tenant_id: PLATFORM_TENANT, subject: 'platform-admin', scopes: ['admin'], role: 'platform' };
    }
    const match = KEY_PATTERN.exec(key);
    const record = match ? await this.store.findKeyByPrefix(match[1]!) : null;
    if (!record || !timingSafeEqual(candidate, Buffer.from(record.hash, 'hex'))) return null;
    if (record.revoked_at) return null;
    if (record.expires_at && new Date(record.expires_at) <= this.now()) return null;
    return {
      tenant_id: record.project_id,
      subject: record.id,
      scopes: record.scopes,
      role: roleOfScopes(record.scopes),
    };
  }
}

/** The pseudo-tenant of the platform admin: it owns no data and may only use the admin API. */
export const PLATFORM_TENANT = '__platform__';
