/**
 * Dependency direction (architecture.md rule 3): domain <- app <- adapters/entry; only adapters touch
 * platform SDKs; nothing in src reaches into the sandbox or tests.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain is pure TypeScript: no other layer, no packages, no node built-ins.',
      from: { path: '^src/domain' },
      to: { pathNot: '^src/domain' },
    },
    {
      name: 'app-depends-on-ports-only',
      severity: 'error',
      comment: 'Use cases see the domain, their ports and shared contracts, never adapters or entry points.',
      from: { path: '^src/app' },
      to: { path: '^src/(adapters|entry|frontend)|node_modules' },
    },
    {
      name: 'storage-only-in-kvs-adapter',
      severity: 'error',
      comment: 'All storage goes through src/adapters/kvs (architecture.md rule 9).',
      from: { pathNot: '^src/adapters/kvs' },
      to: { path: 'node_modules/@forge/kvs' },
    },
    {
      name: 'platform-sdks-only-in-adapters-and-entry',
      severity: 'error',
      comment: 'Backend platform SDKs are adapters; entry points may use the resolver/events wrappers.',
      from: { path: '^src/(domain|app|shared)' },
      to: { path: 'node_modules/@forge/' },
    },
    {
      name: 'shared-is-contracts-only',
      severity: 'error',
      from: { path: '^src/shared' },
      to: { path: '^src/(adapters|entry|app|frontend)' },
    },
    {
      name: 'frontend-imports-only-shared',
      severity: 'error',
      comment:
        'The UI Kit frontend talks to the backend only through resolvers: of src it may import only src/shared (and itself).',
      from: { path: '^src/frontend' },
      to: { path: '^src/', pathNot: '^src/(shared|frontend)/' },
    },
    { name: 'no-sandbox-in-src', severity: 'error', from: { path: '^src' }, to: { path: '^(sandbox|test|scripts)' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
