// Proves `pnpm depcheck` can fail: both checks (dependency-cruiser rules, core purity) run on a
// tree that breaks every rule and must report each rule; on a well-behaved tree and on the real
// repository they must pass.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCorePurity } from './check-core-purity.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(repo, 'scripts/fixtures/depcheck');
const depcruise = join(repo, 'node_modules/.bin/depcruise');
const config = join(repo, '.dependency-cruiser.cjs');
const temps: string[] = [];
/** Each case spawns depcruise (about 1 s alone, several on a busy 2-core machine). */
const SPAWN_TIMEOUT_MS = 30_000;

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of a fixture tree with its packages linked into node_modules/@remit/, like pnpm does. */
function workspace(tree: 'good' | 'bad'): string {
  const root = mkdtempSync(join(tmpdir(), `remit-depcheck-${tree}-`));
  temps.push(root);
  cpSync(join(fixtures, tree), root, { recursive: true });
  const unfixture = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) unfixture(path);
      else if (entry.name.endsWith('.fixture')) renameSync(path, path.slice(0, -'.fixture'.length));
    }
  };
  unfixture(root);
  mkdirSync(join(root, 'node_modules/@remit'), { recursive: true });
  for (const [dir, name] of [
    ['packages/core', 'core'],
    ['packages/adapters-memory', 'adapters-memory'],
    ['packages/adapters-aws', 'adapters-aws'],
    ['packages/bank-sim', 'bank-sim'],
    ['packages/infra-cdk', 'infra-cdk'],
    ['apps/lambda', 'lambda'],
  ] as const) {
    symlinkSync(join(root, dir), join(root, 'node_modules/@remit', name), 'dir');
  }
  return root;
}

interface Cruise {
  /** Exit status of the CI command; not measured (undefined) when only the JSON is needed. */
  status?: number | null;
  violations: { rule: string; from: string; to: string }[];
}

/**
 * Runs the same command as the root `depcheck` script (its exit status is what CI sees), then
 * again with the JSON reporter to learn which rules fired.
 */
function cruise(root: string, { status = true } = {}): Cruise {
  const args = ['packages', 'apps', '--config', config];
  const asCi = status ? spawnSync(depcruise, args, { cwd: root, encoding: 'utf8' }) : undefined;
  const run = spawnSync(depcruise, [...args, '--output-type', 'json'], { cwd: root, encoding: 'utf8' });
  const result = JSON.parse(run.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  const found: Cruise = {
    violations: result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })),
  };
  if (asCi !== undefined) found.status = asCi.status;
  return found;
}

describe('dependency rules (.dependency-cruiser.cjs)', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('fail on a tree that breaks each rule', () => {
    const { status, violations } = cruise(workspace('bad'));
    expect(status).not.toBe(0);
    const pairs = violations.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort();
    expect(pairs).toEqual(
      [
        'core-imports-only-zod: packages/core/src/redis-sequence.ts -> ioredis',
        'core-imports-only-zod: packages/core/src/http-gateway.ts -> http',
        'core-tests-import-only-test-tools: packages/core/src/sequence.test.ts -> ioredis',
        'core-testing-kit-imports-only-test-tools: packages/core/src/testing/index.ts -> fs',
        'core-imports-only-zod: packages/core/src/uses-adapter.ts -> packages/adapters-memory/src/index.ts',
        'no-relative-cross-package-import: packages/core/src/uses-adapter.ts -> packages/adapters-memory/src/index.ts',
        'adapters-not-to-each-other: packages/adapters-aws/src/uses-memory.ts -> packages/adapters-memory/src/index.ts',
        'adapters-not-to-each-other: packages/adapters-aws/src/uses-memory-relative.ts -> packages/adapters-memory/src/index.ts',
        'no-relative-cross-package-import: packages/adapters-aws/src/uses-memory-relative.ts -> packages/adapters-memory/src/index.ts',
        'packages-not-to-apps: packages/adapters-memory/src/uses-app.ts -> apps/lambda/src/index.ts',
        'no-deep-package-import: packages/adapters-memory/src/deep-import.ts -> @remit/core/src/index.js',
        'lambda-not-to-infra: apps/lambda/src/uses-infra.ts -> packages/infra-cdk/src/index.ts',
        'no-test-support-in-production: packages/adapters-aws/src/uses-test-support.ts -> packages/adapters-aws/src/test-support/bank.ts',
        'no-unresolvable-relative-import: packages/core/src/missing-file.ts -> ./not-written-yet.js',
      ].sort(),
    );
  });

  it('pass on a tree that follows them (zod, node:crypto, test tools in tests, adapters-memory and bank-sim in adapter tests and test-support)', () => {
    const result = cruise(workspace('good'));
    expect(result.violations).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('pass on this repository', () => {
    // The exit status of the same command is proven by the fixture cases; `pnpm lint` runs it here.
    expect(cruise(repo, { status: false }).violations).toEqual([]);
  });
});

describe('core purity (scripts/check-core-purity.ts)', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('fails on process.env, the clock, randomness and forbidden imports', () => {
    const found = checkCorePurity(workspace('bad')).map(
      (v) => `${v.file}:${v.line} ${v.message.split(':')[0]}`,
    );
    expect(found).toEqual([
      "packages/core/src/http-gateway.ts:1 imports 'node",
      "packages/core/src/redis-sequence.ts:1 imports 'ioredis'",
      'packages/core/src/redis-sequence.ts:4 process (env, argv, ...) is not allowed',
      'packages/core/src/redis-sequence.ts:5 Date.now is not allowed',
      'packages/core/src/redis-sequence.ts:6 new Date(...) reads the wall clock or the process time zone',
      'packages/core/src/redis-sequence.ts:7 Math.random is not allowed',
      "packages/core/src/testing/index.ts:1 imports 'node",
    ]);
  });

  it('passes on a tree that follows it (tests may read the clock; Date.UTC and node:crypto hashes are pure)', () => {
    expect(checkCorePurity(workspace('good'))).toEqual([]);
  });

  it('passes on this repository', () => {
    expect(checkCorePurity(repo)).toEqual([]);
  });
});
