import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RemitStack, type RemitStackProps } from '../bin/remit-stack.js';
import { RemittanceService, StaticEgressNetwork, type StaticEgressNetworkProps } from '../src/index.js';

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

/** The team's existing VPC (the main server lives in its private subnets), as the caller imports it. */
export const sharedVpc = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.20.0.0/16',
  availabilityZones: ['ap-northeast-2a', 'ap-northeast-2c'],
  publicSubnetIds: ['subnet-0aaaa00000000pub1', 'subnet-0aaaa00000000pub2'],
  publicSubnetRouteTableIds: ['rtb-0aaaa000000000pub', 'rtb-0aaaa000000000pub'],
  privateSubnetIds: ['subnet-0aaaa00000000app1', 'subnet-0aaaa00000000app2'],
  privateSubnetRouteTableIds: ['rtb-0aaaa00000000app1', 'rtb-0aaaa00000000app2'],
  mainServerSecurityGroupId: 'sg-0aaaa000000000main',
} as const;

/** Network props of an existing-VPC stack, built in its scope (imports need one). */
export type ExistingVpcNetworkProps = (stack: Stack, vpc: ec2.IVpc) => Partial<StaticEgressNetworkProps>;

/**
 * A stack deploying remit into {@link sharedVpc}: NAT in its first public subnet, two new
 * private subnets, the main server declared as an SQS client. `network` overrides those props.
 */
export function existingVpcStack(
  app: App = newApp(),
  network: ExistingVpcNetworkProps = () => ({}),
  id = 'RemitShared',
): Stack & { network: StaticEgressNetwork; service: RemittanceService; vpc: ec2.IVpc } {
  const stack = new Stack(app, id, { env });
  const { mainServerSecurityGroupId, ...attributes } = sharedVpc;
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'SharedVpc', {
    ...attributes,
    availabilityZones: [...attributes.availabilityZones],
    publicSubnetIds: [...attributes.publicSubnetIds],
    publicSubnetRouteTableIds: [...attributes.publicSubnetRouteTableIds],
    privateSubnetIds: [...attributes.privateSubnetIds],
    privateSubnetRouteTableIds: [...attributes.privateSubnetRouteTableIds],
  });
  const networkProps: StaticEgressNetworkProps = {
    vpc,
    privateSubnetCidrs: ['10.20.64.0/22', '10.20.68.0/22'],
    sqsClients: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'MainServer', mainServerSecurityGroupId)],
    ...network(stack, vpc),
  };
  const egress = new StaticEgressNetwork(stack, 'Network', networkProps);
  const { env: _env, ...serviceProps } = sampleProps;
  const service = new RemittanceService(stack, 'Remittance', { network: egress, ...serviceProps });
  return Object.assign(stack, { network: egress, service, vpc });
}
