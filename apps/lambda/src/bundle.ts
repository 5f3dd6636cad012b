/**
 * `pnpm --filter @remit/lambda bundle`: each handler as one ESM file, the way infra-cdk's
 * NodejsFunction builds it (esbuild, minified, node24, the pinned AWS SDK inside the bundle, a
 * `createRequire` banner for dependencies that `require` Node built-ins), plus the cold-start
 * baseline (only the clients). Workspace packages are bundled from source (`@remit/source`).
 *
 *   dist-bundles/<name>/index.mjs   (git-ignored)
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = join(APP_DIR, 'dist-bundles');

/** The handler entry files infra-cdk points at, and the baseline the benchmark compares with. */
export const ENTRIES = {
  ingest: 'src/handlers/ingest.ts',
  remit: 'src/handlers/remit.ts',
  reconcile: 'src/handlers/reconcile.ts',
  baseline: 'src/cold-start/baseline.ts',
} as const;
export type BundleName = keyof typeof ENTRIES;

/** ESM output has no `require`; ioredis and others call it for Node built-ins. */
const BANNER =
  "import { createRequire as __remitCreateRequire } from 'node:module'; const require = __remitCreateRequire(import.meta.url);";

export interface BundleInfo {
  readonly name: BundleName;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Bundle every entry (about a second each on a small machine).
 *
 * @example
 * ```ts
 * const bundles = await bundleHandlers();
 * ```
 */
export async function bundleHandlers(): Promise<BundleInfo[]> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  const out: BundleInfo[] = [];
  for (const [name, entry] of Object.entries(ENTRIES) as [BundleName, string][]) {
    const file = join(BUNDLE_DIR, name, 'index.mjs');
    mkdirSync(dirname(file), { recursive: true });
    await build({
      absWorkingDir: APP_DIR,
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      minify: true,
      sourcemap: false,
      // Workspace packages from source, everything else (the AWS SDK included) from node_modules.
      conditions: ['@remit/source', 'module'],
      mainFields: ['module', 'main'],
      tsconfig: join(APP_DIR, 'tsconfig.json'),
      banner: { js: BANNER },
      external: [],
      legalComments: 'none',
      logLevel: 'warning',
    });
    out.push({
      name,
      file,
      bytes: statSync(file).size,
      gzipBytes: gzipSync(readFileSync(file)).length,
    });
  }
  return out;
}

export function formatSizes(bundles: readonly BundleInfo[]): string {
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  return bundles
    .map((b) => `  ${b.name.padEnd(10)} ${kib(b.bytes).padStart(9)}  (gzip ${kib(b.gzipBytes)})  ${b.file}`)
    .join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const bundles = await bundleHandlers();
  console.log(`bundled ${bundles.length} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(formatSizes(bundles));
}
