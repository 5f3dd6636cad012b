import { defineConfig } from 'vitest/config';

// Three tiers, each runnable alone (`vitest run --project unit|integration|cdk`):
//   unit         *.test.ts beside the code; pure, in-memory, milliseconds
//   integration  *.int.test.ts; real local servers started once by the harness (globalSetup)
//   cdk          infra-cdk's synth tests (slow: esbuild bundling, cdk-nag)
const source = { conditions: ['@remit/source'] };

export default defineConfig({
  resolve: source,
  ssr: { resolve: source },
  test: {
    setupFiles: ['@abraham/reflection'],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.bench.ts', '**/testing/**'],
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'packages/infra-cdk/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'apps/*/src/**/*.int.test.ts'],
          exclude: ['packages/infra-cdk/**', '**/node_modules/**'],
          globalSetup: ['packages/adapters-aws/src/local-servers/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'cdk',
          include: ['packages/infra-cdk/src/**/*.test.ts', 'packages/infra-cdk/test/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
