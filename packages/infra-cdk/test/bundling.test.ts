/**
 * The one test file that really bundles (local esbuild, no Docker): what the functions ship.
 * Every other file skips bundling; the function resources are the same either way.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newApp, removeOutdirs, sampleStack } from './helpers.js';

const BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

let bundleDir = '';
let bundle = '';
let handlerKey = '';
const scratch = mkdtempSync(join(tmpdir(), 'remit-bundle-run-'));
const savedNodePath = process.env.NODE_PATH;

beforeAll(() => {
  // The fixture requires @aws-sdk/client-sqs, which this package does not depend on; let esbuild
  // find the copy installed for @remit/adapters-aws. (The construct's options are unchanged.)
  process.env.NODE_PATH = fileURLToPath(new URL('../../adapters-aws/node_modules', import.meta.url));
  const app = newApp({ bundling: true });
  const stack = sampleStack(app);
  const template = Template.fromStack(stack);
  const remitId = stack.getLogicalId(stack.service.remitFunction.node.defaultChild as never);
  const fn = template.toJSON().Resources[remitId].Properties;
  handlerKey = fn.Handler;
  const hash = String(fn.Code.S3Key).replace(/\.zip$/, '');
  bundleDir = join(app.outdir, `asset.${hash}`);
  bundle = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
}, 120_000);

afterAll(() => {
  if (savedNodePath === undefined) delete process.env.NODE_PATH;
  else process.env.NODE_PATH = savedNodePath;
  rmSync(scratch, { recursive: true, force: true });
  removeOutdirs();
});

describe('NodejsFunction bundling (local esbuild)', () => {
  test('one ESM file (index.mjs, handler index.handler) with its source map', () => {
    expect(handlerKey).toBe('index.handler');
    expect(existsSync(join(bundleDir, 'index.mjs.map'))).toBe(true);
    expect(existsSync(join(bundleDir, 'index.js'))).toBe(false);
  });

  test('starts with the createRequire banner and is minified', () => {
    expect(bundle.startsWith(BANNER)).toBe(true);
    const lines = bundle.split('\n').length;
    expect(lines).toBeLessThan(100);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  });

  test('no ESM import of a workspace package or the AWS SDK is left in the bundle', () => {
    // (The run below is the real proof: it loads the bundle where no node_modules exist.)
    const esmImports = bundle.match(/(?:\bfrom|\bimport\()\s*["']@(?:remit|aws-sdk)\/[^"']*/g) ?? [];
    expect(esmImports).toEqual([]);
    expect(bundle.includes('Idempotency')).toBe(true);
  });

  test('runs in a plain Node process the way Lambda loads it, away from any node_modules', () => {
    copyFileSync(join(bundleDir, 'index.mjs'), join(scratch, 'index.mjs'));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(scratch, 'index.mjs')).href)});
      process.stdout.write(JSON.stringify(await m.handler()));`;
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: scratch,
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      // The child's stderr quotes the minified bundle; keep only the error line.
      const stderr = String((e as { stderr?: unknown }).stderr ?? e);
      throw new Error(stderr.split('\n').find((l) => /^\w*Error/.test(l)) ?? stderr.slice(-500));
    }
    expect(JSON.parse(out)).toEqual({ table: 'Idempotency', platform: process.platform, sdk: true });
  });
});
