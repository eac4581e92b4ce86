/**
 * Two tiers (docs/architecture.md rule 11), as two Jest projects:
 * - unit: the pure domain, the shared contracts (test/shared) and other pure checks (no sandbox, no
 *   SDK, no I/O beyond reading files);
 * - integration: everything with behaviour, on the sandbox with the real @forge/* SDKs, the KVS, Jira
 *   and Okta emulators (over loopback HTTP), and the admin page in Chromium.
 * `npx jest --selectProjects unit` runs the fast tier alone. ts-jest only transpiles (isolatedModules);
 * `npm run typecheck` checks types once for the whole project.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
};

const UNIT = [
  '<rootDir>/test/domain/**/*.test.ts',
  '<rootDir>/test/shared/**/*.test.ts',
  '<rootDir>/test/manifest.test.ts',
];

module.exports = {
  // Long virtual runs (days of sweeps) on a core shared with another worker: a margin, not a wait.
  testTimeout: 60000,
  // Every core (Jest's default leaves one idle): on the 2-core CI machine the suite takes about 270 s
  // instead of 570 s. The tests assert counts and virtual time, so a busier machine changes no result.
  maxWorkers: '100%',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: UNIT },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/domain/',
        '<rootDir>/test/shared/',
        '<rootDir>/test/manifest\\.test\\.ts$',
      ],
    },
  ],
};
