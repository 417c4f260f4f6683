import { EngramError, newId, nowIso, type Principal, validate } from '@engram/core';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { issueKey, PLATFORM_TENANT } from './keys';
import type { RbacAuthorizer } from './rbac';
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

const principalOf = (res: Response) => res.locals.principal as Principal;
const param = (req: Request, name: string) => String(req.params[name]);

function requirePlatform(res: Response): void {
  if (principalOf(res).tenant_id !== PLATFORM_TENANT)
    throw new EngramError('forbidden', 'only the platform admin key may do this');
}

/**
 * The admin API: organisations and projects (platform admin), members, and project API keys
 * (platform admin, or an admin key of that same project). A key is shown once, at creation.
 */
export function adminRouter(store: TenancyStore, authorizer: RbacAuthorizer): express.Router {
  const router = express.Router();
  /**
   * The project, for the platform admin or an admin key of that project. Another tenant's
   * project answers exactly as a missing one does (404), so keys cannot probe which exist.
   */
  const projectForAdmin = (res: Response, projectId: string) => {
    const principal = principalOf(res);
    if (principal.tenant_id !== PLATFORM_TENANT) {
      if (principal.tenant_id !== projectId)
        throw new EngramError('not_found', `project ${projectId} was not found`);
      if (!authorizer.can(principal, 'admin'))
        throw new EngramError('forbidden', 'this key may not manage that project');
    }
    return project(projectId);
  };
  const org = (id: string) => {
    const found = store.getOrg(id);
    if (!found) throw new EngramError('not_found', `organization ${id} was not found`);
    return found;
  };
  const project = (id: string) => {
    const found = store.getProject(id);
    if (!found) throw new EngramError('not_found', `project ${id} was not found`);
    return found;
  };

  router.post('/orgs', (req, res) => {
    requirePlatform(res);
    const input = validate(nameSchema, req.body);
    const created = { id: newId('org'), name: input.name, created_at: nowIso() };
    store.createOrg(created);
    res.status(201).json(created);
  });
  router.post('/orgs/:org/projects', (req, res) => {
    requirePlatform(res);
    const orgId = org(param(req, 'org')).id;
    const input = validate(nameSchema, req.body);
    const created = { id: newId('prj'), org_id: orgId, name: input.name, created_at: nowIso() };
    store.createProject(created);
    res.status(201).json(created);
  });
  router.put('/orgs/:org/members', (req, res) => {
    requirePlatform(res);
    const orgId = org(param(req, 'org')).id;
    const input = validate(memberSchema, req.body);
    store.setMember({ org_id: orgId, ...input });
    res.json({ data: store.listMembers(orgId) });
  });
  router.post('/projects/:project/keys', (req, res) => {
    const projectId = projectForAdmin(res, param(req, 'project')).id;
    const input = validate(keySchema, req.body);
    const { key, record } = issueKey(store, projectId, input.name, input.scopes, input.expires_at ?? null);
    const { hash: _hash, ...visible } = record;
    res.status(201).json({ ...visible, key });
  });
  router.get('/projects/:project/keys', (req, res) => {
    const projectId = projectForAdmin(res, param(req, 'project')).id;
    res.json({ data: store.listKeys(projectId).map(({ hash: _hash, ...visible }) => visible) });
  });
  router.delete('/projects/:project/keys/:key', (req, res) => {
    const projectId = projectForAdmin(res, param(req, 'project')).id;
    if (!store.revokeKey(projectId, param(req, 'key'), nowIso())) {
      throw new EngramError(
        'not_found',
        `active key ${param(req, 'key')} was not found in project ${projectId}`,
      );
    }
    res.json({ id: param(req, 'key'), revoked: true });
  });
  return router;
}
