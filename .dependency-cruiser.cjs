// The open-core boundary, enforced: core never reaches into ee or a backend package,
// and no package has circular imports. `pnpm lint` fails on a violation.
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-ee-or-backend',
      severity: 'error',
      comment: 'packages/core is MIT and backend-neutral: it defines ports; ee and backends implement them.',
      from: { path: '^packages/core/' },
      to: {
        path: ['^packages/(ee|store-[^/]+|queue-[^/]+)/', '(^|node_modules/)@engram/(ee|store-|queue-)'],
      },
    },
    {
      name: 'oss-server-imports-no-ee',
      severity: 'error',
      comment: 'The OSS server composes only open packages.',
      from: { path: '^apps/oss-server/' },
      to: { path: ['^packages/ee/', '(^|node_modules/)@engram/ee'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    preserveSymlinks: false,
  },
};
