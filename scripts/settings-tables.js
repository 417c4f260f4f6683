#!/usr/bin/env node
// Regenerates the README's settings tables from the one settings schema (the server package's
// and ee's providers): `node scripts/settings-tables.js` after `pnpm build`. A test fails when
// the README and the schema disagree.
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { z } = require(require.resolve('zod', { paths: [path.join(__dirname, '../packages/server')] }));
const from = (pkg) =>
  require(require.resolve(pkg, { paths: [path.join(__dirname, '../apps/cloud-server')] }));
const server = from('@engram/server');
const ee = from('@engram/ee');

const oss = server.settingsTable(server.settingsSchema(server.openSourceManifest));
// ee's settings that the open-source table does not already list.
const both = server.settingsSchema(server.openSourceManifest).shape;
const eeShape = Object.assign({}, ...ee.eeProviders.map((p) => p.settings.shape));
const cloudOnly = server.settingsTable(
  z.object(Object.fromEntries(Object.entries(eeShape).filter(([name]) => !(name in both)))),
);
const block =
  `Both editions (\`.env\` beside the process is read too; the real environment wins):\n\n${oss}\n\n` +
  `The cloud edition adds these, and has no \`ENGRAM_API_KEYS\` or PostHog settings:\n\n${cloudOnly}\n`;
const file = path.join(__dirname, '../README.md');
const readme = readFileSync(file, 'utf8');
const start = '<!-- settings:start -->';
const end = '<!-- settings:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a < 0 || b < 0) throw new Error(`README.md needs ${start} and ${end}`);
writeFileSync(file, `${readme.slice(0, a + start.length)}\n${block}${readme.slice(b)}`);
