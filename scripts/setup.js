#!/usr/bin/env node
// Installs the workspace with the pinned pnpm, needing nothing but Node.js and npm.
// Native modules (better-sqlite3) compile against the headers that ship beside this Node.js,
// so the build never downloads headers from the network.
const { execSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const prefix = path.resolve(process.execPath, '..', '..');
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node.h')))
  env.npm_config_nodedir = prefix;
const pnpm = 'npx --yes pnpm@12.4.2';
const frozen = existsSync(path.join(root, 'pnpm-lock.yaml')) ? ' --frozen-lockfile' : '';
execSync(`${pnpm} install${frozen} --reporter=append-only`, {
  cwd: root,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});
