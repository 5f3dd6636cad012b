import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The monorepo root: the nearest directory above this module holding `pnpm-workspace.yaml`.
 * Searched rather than hard-coded because this file runs from `src/` (tests, tsx) and from
 * `dist/src/` (compiled), at different depths.
 */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `@remit/infra-cdk: no pnpm-workspace.yaml above ${from}; pass projectRoot and the handler entries explicitly`,
      );
    }
    dir = parent;
  }
}

/** Where the Lambda app keeps its handlers, relative to the repo root. */
export const defaultHandlerEntries = {
  ingest: 'apps/lambda/src/handlers/ingest.ts',
  remit: 'apps/lambda/src/handlers/remit.ts',
  reconcile: 'apps/lambda/src/handlers/reconcile.ts',
} as const;
