#!/usr/bin/env node
/**
 * The SDK's types (packages/sdk/src/schema.d.ts) are generated from this server's
 * /openapi.json. Run after changing a route or a schema (needs a build):
 *   pnpm --filter @engram/oss-server client-types
 * test/openapi.test.ts fails while the committed file differs from what this generates. It runs
 * as its own process: openapi-typescript loads ES modules, which jest's CommonJS runtime cannot.
 */
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const SCHEMA_FILE = path.join(__dirname, '../../../packages/sdk/src/schema.d.ts');

const HEADER = `/**
 * Generated from Engram's OpenAPI document by apps/oss-server/scripts/client-types.js
 * (openapi-typescript). Do not edit: change the routes or schemas and regenerate.
 */

`;

/** The OSS server's document, as it serves it. */
async function openApiDocument() {
  const { createOssServer } = require('../dist/server.js');
  const pino = require('pino');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'engram-openapi-'));
  const server = await createOssServer(
    { ENGRAM_DATA_DIR: dataDir, ENGRAM_TELEMETRY: 'off', ENGRAM_API_KEYS: 'egm_openapi_only_0123456789' },
    { logger: pino({ level: 'silent' }) },
  );
  const listener = server.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${listener.address().port}/openapi.json`);
    return await response.json();
  } finally {
    listener.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** TypeScript declarations of a document's paths and components. */
async function clientTypes(document) {
  const { default: openapiTS, astToString } = require('openapi-typescript');
  return HEADER + astToString(await openapiTS(document));
}

module.exports = { openApiDocument, clientTypes, SCHEMA_FILE };

if (require.main === module) {
  // --out FILE writes elsewhere (the test compares a fresh generation with the committed one).
  const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : SCHEMA_FILE;
  openApiDocument()
    .then(clientTypes)
    .then((types) => {
      writeFileSync(out, types);
      console.log(`wrote ${path.relative(process.cwd(), out)}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
