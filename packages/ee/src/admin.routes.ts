import {
  EngramError,
  newId,
  nowIso,
  type Principal,
  type RouteSpec,
  requireParam,
  validate,
} from '@engram/core';
import { z } from 'zod';
import { issueKey, PLATFORM_TENANT } from './keys';
import type { TenancyStore } from './tenancy-store';

const nameSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
const keySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(z.enum(['read', 'write', 'admin'])).min(1),
    expires_at: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future (a key issued expired is useless)')
      .optional(),
  })
  .strict();
const memberSchema = z
  .object({ user_id: z.string().min(1).max(256), role: z.enum(['owner', 'admin', 'developer', 'viewer']) })
  .strict();

/** Organisations, projects and members: the platform admin key only. */
export const PLATFORM_MANAGE = 'platform:manage';
/** A project's keys: the platform admin, or an admin key of that project (checked per project). */
export const PROJECT_KEYS = 'project:keys';

/**
 * The admin API as route specs in core's route table (so it is authorized on the generic path
 * and listed in /openapi.json): organisations and projects (platform admin), members, and
 * project API keys (platform admin, or an admin key of that same project). A key is shown once,
 * at creation.
 */
export function adminRoutes(store: TenancyStore): RouteSpec[] {
  const org = async (id: string) => {
    const found = await store.getOrg(id);
    if (!found) throw new EngramError('not_found', `organization ${id} was not found`);
    return found;
  };
  /**
   * The project, for the platform admin or an admin key of that project. Another tenant's
   * project answers exactly as a missing one does (404), so keys cannot probe which exist.
   */
  const projectFor = async (principal: Principal, projectId: string) => {
    const found =
      principal.tenant_id === PLATFORM_TENANT || principal.tenant_id === projectId
        ? await store.getProject(projectId)
        : null;
    if (!found) throw new EngramError('not_found', `project ${projectId} was not found`);
    return found;
  };
  const tag = 'admin';
  return [
    {
      method: 'post',
      path: '/admin/orgs',
      summary: 'Create an organisation (platform admin)',
      tag,
      action: PLATFORM_MANAGE,
      body: nameSchema,
      status: 201,
      handler: async ({ req }) => {
        const input = validate(nameSchema, req.body);
        const created = { id: newId('org'), name: input.name, created_at: nowIso() };
        await store.createOrg(created);
        return created;
      },
    },
    {
      method: 'post',
      path: '/admin/orgs/:org/projects',
      summary: 'Create a project in an organisation (platform admin)',
      tag,
      action: PLATFORM_MANAGE,
      body: nameSchema,
      status: 201,
      errors: [404],
      handler: async ({ req }) => {
        const orgId = (await org(requireParam(req, 'org'))).id;
        const input = validate(nameSchema, req.body);
        const created = { id: newId('prj'), org_id: orgId, name: input.name, created_at: nowIso() };
        await store.createProject(created);
        return created;
      },
    },
    {
      method: 'put',
      path: '/admin/orgs/:org/members',
      summary: "Set a member's role in an organisation (platform admin)",
      tag,
      action: PLATFORM_MANAGE,
      body: memberSchema,
      handler: async ({ req }) => {
        const orgId = (await org(requireParam(req, 'org'))).id;
        const input = validate(memberSchema, req.body);
        await store.setMember({ org_id: orgId, ...input });
        return { data: await store.listMembers(orgId) };
      },
    },
    {
      method: 'post',
      path: '/admin/projects/:project/keys',
      summary: 'Issue a project API key (shown once)',
      tag,
      action: PROJECT_KEYS,
      body: keySchema,
      status: 201,
      handler: async ({ req, principal }) => {
        const projectId = (await projectFor(principal, requireParam(req, 'project'))).id;
        const input = validate(keySchema, req.body);
        const { key, record } = await issueKey(
          store,
          projectId,
          input.name,
          input.scopes,
          input.expires_at ?? null,
        );
        const { hash: _hash, ...visible } = record;
        return { ...visible, key };
      },
    },
    {
      method: 'get',
      path: '/admin/projects/:project/keys',
      summary: "A project's API keys (never the keys themselves)",
      tag,
      action: PROJECT_KEYS,
      handler: async ({ req, principal }) => {
        const projectId = (await projectFor(principal, requireParam(req, 'project'))).id;
        return { data: (await store.listKeys(projectId)).map(({ hash: _hash, ...visible }) => visible) };
      },
    },
    {
      method: 'delete',
      path: '/admin/projects/:project/keys/:key',
      summary: 'Revoke a project API key; it stops working on the next request',
      tag,
      action: PROJECT_KEYS,
      handler: async ({ req, principal }) => {
        const projectId = (await projectFor(principal, requireParam(req, 'project'))).id;
        const keyId = requireParam(req, 'key');
        if (!(await store.revokeKey(projectId, keyId, nowIso()))) {
          throw new EngramError('not_found', `active key ${keyId} was not found in project ${projectId}`);
        }
        return { id: keyId, revoked: true };
      },
    },
  ];
}
