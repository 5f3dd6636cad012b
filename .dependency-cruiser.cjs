// Dependency direction, checked in CI (`pnpm depcheck`, part of `pnpm lint`):
//   core  <-  adapters-* (and bank-sim)  <-  apps
// Globals core must not touch (process.env, Date.now, Math.random, ...) are checked by
// scripts/check-core-purity.ts; this file checks imports. Proven able to fail by
// scripts/depcheck.test.ts on the fixture trees in scripts/fixtures/depcheck/.
//
// Paths are relative to the directory depcruise runs in (the repo root, or a fixture root).
// Workspace packages resolve through the `@remit/source` export condition to their src/, so a
// legitimate `@remit/core` import and a forbidden `../../core/src/index.js` land on the same
// file: the deep-import rules tell them apart by how the import was written.

/** Test and benchmark files: `*.test.ts`, `*.int.test.ts`, `*.bench.ts`. */
const TEST_FILE = '\\.(test|int\\.test|bench)\\.ts$';
/**
 * Test helpers of a package (`src/test-support/`): treated as test code, and only test code may
 * import them (rule no-test-support-in-production), so nothing test-only reaches a build.
 */
const TEST_SUPPORT = '/src/test-support/';
/** A relative import that did not resolve: reported once, by no-unresolvable-relative-import. */
const UNRESOLVED_RELATIVE = '^\\.\\.?/';
/** Core's test kit (contract suites, simulation) runs under vitest like tests do. */
const CORE_TESTING = '^packages/core/src/testing/';
/**
 * Core files allowed Node built-ins. Keep this list explicit and short: a CLI reads argv and
 * prints; nothing else in core has a reason to.
 */
const CORE_NODE_ALLOWED = ['^packages/core/src/testing/sim-cli\\.ts$'];
/** Unresolved or resolved, the only runtime package core may import. */
const ZOD = '(^|/)node_modules/zod/|^zod(/|$)';
/**
 * The one Node built-in core may import: `node:crypto`, for deterministic hashes (ids,
 * fingerprints, payload hashes). Its random functions are banned by check-core-purity.ts.
 */
const CORE_BUILTINS = '^crypto$';
const TEST_TOOLS =
  '(^|/)node_modules/(vitest|@vitest/[^/]+|fast-check)/|^(vitest|@vitest/[^/]+|fast-check)(/|$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-zod',
      comment:
        'Core is the pure domain: it imports its own files, zod and node:crypto (hashes), nothing else (no SDK, ioredis, undici, tsyringe, node:fs/net/http, other packages).',
      severity: 'error',
      from: { path: '^packages/core/src/', pathNot: [TEST_FILE, CORE_TESTING, ...CORE_NODE_ALLOWED] },
      to: { pathNot: ['^packages/core/src/', ZOD, CORE_BUILTINS, UNRESOLVED_RELATIVE] },
    },
    {
      name: 'core-tests-import-only-test-tools',
      comment:
        "Core's tests may add vitest, fast-check and Node built-ins (e.g. a child process with another TZ), but no other package: a core test that needs an SDK or another workspace package is testing the wrong layer.",
      severity: 'error',
      from: { path: `^packages/core/src/.*${TEST_FILE}` },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^packages/core/src/', ZOD, TEST_TOOLS, UNRESOLVED_RELATIVE],
      },
    },
    {
      name: 'core-testing-kit-imports-only-test-tools',
      comment:
        "Core's test kit (contract suites, simulation) ships to every adapter's tests: it may add vitest and fast-check to what core uses, nothing else.",
      severity: 'error',
      from: { path: CORE_TESTING, pathNot: [TEST_FILE, ...CORE_NODE_ALLOWED] },
      to: { pathNot: ['^packages/core/src/', ZOD, CORE_BUILTINS, TEST_TOOLS, UNRESOLVED_RELATIVE] },
    },
    {
      name: 'core-cli-no-other-packages',
      comment:
        'The explicitly allowed core CLI may use Node built-ins, but still no npm package or workspace package.',
      severity: 'error',
      from: { path: CORE_NODE_ALLOWED },
      to: { dependencyTypesNot: ['core'], pathNot: ['^packages/core/src/', ZOD, UNRESOLVED_RELATIVE] },
    },
    {
      name: 'packages-not-to-apps',
      comment: 'Libraries never import an app (apps compose libraries, not the other way round).',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'adapters-not-to-each-other',
      comment:
        'An adapter depends on core only; shared logic goes into pure core functions. Tests and benches may use adapters-memory and bank-sim as collaborators.',
      severity: 'error',
      from: { path: '^packages/(adapters-[^/]+)/', pathNot: [TEST_FILE, TEST_SUPPORT] },
      to: { path: '^packages/(adapters-[^/]+|bank-sim)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'adapter-tests-only-memory-and-bank-sim',
      comment: 'Adapter tests may borrow adapters-memory and bank-sim, never another real adapter.',
      severity: 'error',
      from: {
        path: [`^packages/(adapters-[^/]+)/.*${TEST_FILE}`, `^packages/(adapters-[^/]+)${TEST_SUPPORT}`],
      },
      to: { path: '^packages/adapters-[^/]+/', pathNot: ['^packages/$1/', '^packages/adapters-memory/'] },
    },
    {
      name: 'bank-sim-only-core',
      comment: 'The bank simulator speaks the protocol from core; it knows no adapter and no app.',
      severity: 'error',
      from: { path: '^packages/bank-sim/' },
      to: { path: '^packages/(adapters-[^/]+|infra-cdk)/' },
    },
    {
      name: 'lambda-not-to-infra',
      comment: 'The Lambda app runs what infra-cdk deploys; it must not bundle CDK.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^packages/infra-cdk/' },
    },
    {
      name: 'no-test-support-in-production',
      comment: 'Only tests, benches and other test helpers may import a test-support module.',
      severity: 'error',
      from: { pathNot: [TEST_FILE, TEST_SUPPORT] },
      to: { path: TEST_SUPPORT },
    },
    {
      name: 'no-unresolvable-relative-import',
      comment: 'A relative import of a file that does not exist.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: UNRESOLVED_RELATIVE },
    },
    {
      name: 'no-relative-cross-package-import',
      comment:
        'Reach another workspace package by its name (`@remit/core`), never by a relative path into its files: that bypasses its exports map and its build.',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^(packages|apps)/', pathNot: '^$1/$2/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-deep-package-import',
      comment:
        'Import only what a package exports (`@remit/x`, `@remit/x/testing`), never `@remit/x/src/...` or `/dist/...`.',
      severity: 'error',
      from: {},
      to: { path: '^@remit/[^/]+/(src|dist)(/|$)' },
    },
    {
      name: 'no-deep-package-import-resolved',
      comment: 'Same, when the deep path happens to resolve.',
      severity: 'error',
      from: {},
      to: { path: '(^|/)node_modules/@remit/[^/]+/(src|dist)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)cdk\\.out/', '(^|/)node_modules/'] },
    // Type-only imports count: core importing a type from ioredis is still a dependency.
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // '@remit/source' first: workspace packages resolve to their src, so no build is needed.
      conditionNames: ['@remit/source', 'import', 'types', 'node', 'default', 'require'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
