import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { RemitStack, type RemitStackProps } from '../bin/remit-stack.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(here(path), 'utf8')) as { context?: object };

/** The tiny handler every test function bundles (or skips bundling) instead of the real app. */
export const fixtureEntry = here('./fixtures/handler.ts');

export const env = { account: '111111111111', region: 'ap-northeast-2' } as const;

/**
 * An app with the same context as `cdk synth` (cdk.json + cdk.context.json). Unless `bundling`
 * is set, esbuild is skipped (`aws:cdk:bundling-stacks: []`): the function resources, roles and
 * settings are identical, only the asset is a placeholder; bundling.test.ts covers the bundle.
 * Unless `cfnValidation` is set, CDK's built-in CloudFormation schema validation (seconds of
 * WASM start-up per test file) is left to nag.test.ts, which synthesises like `cdk synth` does.
 */
export function newApp(options: { bundling?: boolean; cfnValidation?: boolean } = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'remit-infra-cdk-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    builtinCloudFormationValidation: options.cfnValidation ?? false,
    context: {
      ...readJson('../cdk.json').context,
      ...readJson('../cdk.context.json'),
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

const outdirs: string[] = [];

/** Removes the cloud assemblies of this file's apps (call in `afterAll`). */
export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const sampleProps = {
  env,
  providerBaseUrl: 'https://openapi.transfer-provider.example',
  institutionCode: 'T000000001',
  accounts: { 'acct-main': '110-000-000001', 'acct-2': '110-000-000002' },
  payerAccount: '110-000-000900',
  ingestEntry: fixtureEntry,
  remitEntry: fixtureEntry,
  reconcileEntry: fixtureEntry,
} satisfies RemitStackProps;

/** The sample stack with the fixture handlers. */
export function sampleStack(
  app: App = newApp(),
  props: Partial<RemitStackProps> = {},
  id = 'Remit',
): RemitStack {
  return new RemitStack(app, id, { ...sampleProps, ...props });
}
