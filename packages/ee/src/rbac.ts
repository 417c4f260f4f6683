import type { Action, Authorizer, Principal } from '@engram/core';

const READ: Action[] = ['memory:read', 'search', 'graph:read', 'batch:read', 'logs:read'];
const WRITE: Action[] = [
  ...READ,
  'memory:write',
  'memory:delete',
  'graph:write',
  'batch:write',
  'feedback:write',
];
const ADMIN: Action[] = [...WRITE, 'webhooks:manage', 'operations:manage', 'admin'];

/** What each role may do inside its project. */
export const ROLE_ACTIONS: Record<string, ReadonlySet<Action>> = {
  viewer: new Set(READ),
  developer: new Set(WRITE),
  admin: new Set(ADMIN),
  owner: new Set(ADMIN),
  // The platform admin manages organisations and keys, and reads or writes no tenant's data.
  platform: new Set<Action>(['admin']),
};

const SCOPE_ACTIONS: Record<string, ReadonlySet<Action>> = {
  read: new Set(READ),
  write: new Set(WRITE),
  admin: new Set(ADMIN),
};

/** The one place where roles and key scopes meet: allowed only when both allow. */
export class RbacAuthorizer implements Authorizer {
  can(principal: Principal, action: Action): boolean {
    const byRole = ROLE_ACTIONS[principal.role ?? ''];
    if (!byRole?.has(action)) return false;
    return principal.scopes.some((scope) => SCOPE_ACTIONS[scope]?.has(action));
  }
}
