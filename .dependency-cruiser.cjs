// The open-core boundary, enforced: core never reaches into ee, the composition package, a
// backend or an embedder; open packages never reach into ee; apps never import each other; and
// no package has circular imports. `pnpm lint` fails on a violation.
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-ee-or-backend',
      severity: 'error',
      comment: 'packages/core is MIT and backend-neutral: it defines ports; ee and backends implement them.',
      from: { path: '^packages/core/' },
      to: {
        path: [
          '^packages/(ee|server|store-[^/]+|queue-[^/]+|embed-[^/]+)/',
          '(^|node_modules/)@engram/(ee|server|store-|queue-|embed-)',
        ],
      },
    },
    {
      name: 'open-packages-import-no-ee',
      severity: 'error',
      comment: 'Stores, queues, embedders and the composition package are MIT: they never reach into ee.',
      from: { path: '^packages/(server|store-[^/]+|queue-[^/]+|embed-[^/]+)/' },
      to: { path: ['^packages/ee/', '(^|node_modules/)@engram/ee'] },
    },
    {
      name: 'apps-import-no-app',
      severity: 'error',
      comment: 'Each app is a manifest of packages; what two apps share lives in a package.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: ['^apps/(?!$1/)', '(^|node_modules/)@engram/(oss|cloud)-server'] },
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
