import { type Action, type Authorizer, type Principal, READ_ACTIONS, WRITE_ACTIONS } from '@engram/core';
import { PLATFORM_MANAGE, PROJECT_KEYS } from './admin.routes';
import { ANALYTICS_READ } from './analytics/plugin';
import { USAGE_READ } from './billing';
import { MODELS_MANAGE } from './ranking/plugin';

const READ: Action[] = [...READ_ACTIONS, USAGE_READ, ANALYTICS_READ];
const WRITE: Action[] = [...WRITE_ACTIONS, USAGE_READ, ANALYTICS_READ];
const ADMIN: Action[] = [...WRITE, 'webhooks:manage', 'operations:manage', PROJECT_KEYS, MODELS_MANAGE];

/** What each role may do inside its project. */
export const ROLE_ACTIONS: Record<string, ReadonlySet<Action>> = {
  viewer: new Set(READ),
  developer: new Set(WRITE),
  admin: new Set(ADMIN),
  owner: new Set(ADMIN),
  // The platform admin manages organisations and keys, and reads or writes no tenant's data.
  platform: new Set<Action>([PLATFORM_MANAGE, PROJECT_KEYS]),
};

const SCOPE_ACTIONS: Record<string, ReadonlySet<Action>> = {
  read: new Set(READ),
  write: new Set(WRITE),
  admin: new Set([...ADMIN, PLATFORM_MANAGE]),
};

/** The one place where roles and key scopes meet: allowed only when both allow. */
export class RbacAuthorizer implements Authorizer {
  can(principal: Principal, action: Action): boolean {
    const byRole = ROLE_ACTIONS[principal.role ?? ''];
    if (!byRole?.has(action)) return false;
    return principal.scopes.some((scope) => SCOPE_ACTIONS[scope]?.has(action));
  }
}
