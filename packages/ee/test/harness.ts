import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { coreDefaultsPlugin, createEngram, createHttpApp, hashKey, parseConfig } from '@engram/core';
import { OPEN_SOURCE_DEFAULTS } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { mongoStorePlugin } from '@engram/store-mongo';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import pino from 'pino';
import request from 'supertest';
import { type TenancyPluginOptions, tenancyPlugin } from '../src';

export const PLATFORM_KEY = 'egm_platform_admin_key_for_tests';

/**
 * Core + the embedded store + the ee tenancy plugin, as the cloud server composes them. With
 * `mongoUrl`, documents and tenants live in MongoDB (a fresh database), as in production.
 */
export async function startCloud(extra: Partial<TenancyPluginOptions> = {}, mongoUrl?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-ee-'));
  const dbName = `engram_ee_${process.pid}_${Date.now()}`;
  const tenancy = tenancyPlugin({
    store: mongoUrl ? { mongoUrl, dbName } : { sqlite: path.join(dir, 'tenancy.db') },
    platformKeyHash: hashKey(PLATFORM_KEY),
    ...extra,
  });
  const engram = await createEngram({
    config: parseConfig({ ...OPEN_SOURCE_DEFAULTS, edition: 'cloud' }),
    logger: pino({ level: 'silent' }),
    allowPrivateWebhooks: true,
    plugins: [
      ...(mongoUrl ? [mongoStorePlugin({ url: mongoUrl, dbName })] : []),
      sqliteStorePlugin({ path: path.join(dir, 'engram.db') }),
      useLiteEmbedderPlugin({ threads: 1 }),
      coreDefaultsPlugin({ apiKeyHashes: [] }),
      tenancy,
    ],
  });
  await engram.start();
  const api = request(createHttpApp(engram, { version: 'test' }));
  const admin = (method: 'post' | 'get' | 'put' | 'delete', url: string) =>
    api[method](url).set('Authorization', `Bearer ${PLATFORM_KEY}`);

  /** A new organisation and project, with one key per scope. */
  async function project(name: string) {
    const org = (await admin('post', '/v1/admin/orgs').send({ name })).body;
    const prj = (await admin('post', `/v1/admin/orgs/${org.id}/projects`).send({ name: `${name}-prj` })).body;
    const key = async (scopes: string[], extra: object = {}) =>
      (
        await admin('post', `/v1/admin/projects/${prj.id}/keys`).send({
          name: scopes.join('+'),
          scopes,
          ...extra,
        })
      ).body;
    return {
      org,
      project: prj,
      read: await key(['read']),
      write: await key(['write']),
      adminKey: await key(['admin']),
      key,
    };
  }

  return { engram, api, admin, project, tenancy, dir, close: () => engram.shutdown() };
}
