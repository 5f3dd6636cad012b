/**
 * Each synth-time check fires on the misconfiguration it exists for, and stays quiet on the
 * legitimate configuration next to it (so neither half can pass by accident).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { afterAll, describe, expect, test } from 'vitest';
import type { RemitStack } from '../bin/remit-stack.js';
import { RemittanceService, StaticEgressNetwork } from '../src/index.js';
import { env, fixtureEntry, newApp, removeOutdirs, sampleProps, sampleStack } from './helpers.js';

afterAll(removeOutdirs);

const synth = (stack: RemitStack) => () => Template.fromStack(stack);

function mainServerGroup(stack: RemitStack): ec2.SecurityGroup {
  return new ec2.SecurityGroup(stack, 'MainServer', {
    vpc: stack.network.vpc,
    description: 'main server (ECS)',
  });
}

/** An inline function in the network's private subnets (no bundling needed). */
function extraFunction(stack: RemitStack, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, 'Extra', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => {};'),
    vpc: stack.network.vpc,
    vpcSubnets: stack.network.functionSubnets,
    ...props,
  });
}

describe('a declared SQS client must be admitted by every interface endpoint with private DNS', () => {
  test('fires: a KMS endpoint whose group admits only the functions captures the main server (the seed outage)', () => {
    const stack = sampleStack();
    const main = mainServerGroup(stack);
    stack.network.addSqsClient(main);
    const kmsGroup = new ec2.SecurityGroup(stack, 'KmsEndpointGroup', {
      vpc: stack.network.vpc,
      allowAllOutbound: false,
    });
    kmsGroup.addIngressRule(stack.network.functionSecurityGroup, ec2.Port.tcp(443));
    stack.network.vpc.addInterfaceEndpoint('Kms', {
      service: ec2.InterfaceVpcEndpointAwsService.KMS,
      securityGroups: [kmsGroup],
      open: false,
    });
    expect(synth(stack)).toThrow(
      /Declared SQS client \(Remit\/MainServer\) is not admitted on tcp\/443 .*Remit\/Network\/Vpc\/Kms/,
    );
  });

  test('quiet: declared clients are admitted (also when declared after the network), and an open endpoint admits all', () => {
    const stack = sampleStack();
    stack.network.addSqsClient(mainServerGroup(stack));
    stack.network.vpc.addInterfaceEndpoint('Kms', {
      service: ec2.InterfaceVpcEndpointAwsService.KMS,
      open: true,
    });
    expect(synth(stack)).not.toThrow();
  });
});

describe('NATs and published Elastic IPs match one to one', () => {
  test('fires: a NAT gateway added to the VPC by hand egresses from an unpublished address', () => {
    const stack = sampleStack();
    const second = stack.network.vpc.publicSubnets[1] as ec2.PublicSubnet;
    second.addNatGateway();
    expect(synth(stack)).toThrow(
      /NAT Remit\/Network\/Vpc\/publicSubnet2\/NATGateway does not egress from a published Elastic IP/,
    );
    expect(synth(stack)).toThrow(/2 NAT\(s\) but 1 published Elastic IP/);
  });

  test('fires: a hand-made NAT instance without an Elastic IP', () => {
    const stack = sampleStack();
    new ec2.Instance(stack, 'HandNat', {
      vpc: stack.network.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      instanceType: new ec2.InstanceType('t4g.nano'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      sourceDestCheck: false,
    });
    expect(synth(stack)).toThrow(
      /NAT Remit\/HandNat\/Resource does not egress from a published Elastic IP \(it has none\)/,
    );
  });

  test('fires before synth: more NATs than imported allocation ids', () => {
    expect(() =>
      sampleStack(newApp(), { natGateways: 2, eipAllocationIds: ['eipalloc-0123456789abcdef0'] }),
    ).toThrow(/natGateways is 2 but 1 eipAllocationIds/);
  });

  test('quiet: two NAT gateways with two imported addresses, and NAT instances with theirs', () => {
    const ids = ['eipalloc-0123456789abcdef0', 'eipalloc-0fedcba9876543210'];
    expect(synth(sampleStack(newApp(), { natGateways: 2, eipAllocationIds: ids }))).not.toThrow();
    expect(synth(sampleStack(newApp(), { natGateways: 2, natKind: 'instance' }))).not.toThrow();
  });
});

describe('queue visibility >= 6 x the timeout of every consumer', () => {
  test('fires: an explicit visibility timeout shorter than 6 x the remit timeout', () => {
    const stack = sampleStack();
    new RemittanceService(stack, 'Short', {
      network: stack.network,
      providerBaseUrl: sampleProps.providerBaseUrl,
      institutionCode: sampleProps.institutionCode,
      accounts: sampleProps.accounts,
      payerAccount: sampleProps.payerAccount,
      ingestEntry: fixtureEntry,
      remitEntry: fixtureEntry,
      reconcileEntry: fixtureEntry,
      remitTimeout: Duration.seconds(30),
      queueVisibilityTimeout: Duration.seconds(60),
    });
    expect(synth(stack)).toThrow(
      /Remit\/Short\/RemittanceQueue\/Resource has a visibility timeout of 60 s, less than 6 x the 30 s timeout of Remit\/Short\/Remit/,
    );
  });

  test('fires: another consumer with a longer timeout is attached to the queue', () => {
    const stack = sampleStack();
    const slow = extraFunction(stack, {
      timeout: Duration.minutes(5),
      securityGroups: [stack.network.functionSecurityGroup],
    });
    slow.addEventSource(new SqsEventSource(stack.service.queue));
    expect(synth(stack)).toThrow(
      /visibility timeout of 360 s, less than 6 x the 300 s timeout of Remit\/Extra/,
    );
  });

  test('quiet: the default (6 x remit timeout)', () => {
    expect(synth(sampleStack())).not.toThrow();
  });
});

describe('a function in the VPC reaches the internet on tcp/443 only', () => {
  test('fires: an extra egress rule on the function security group', () => {
    const stack = sampleStack();
    stack.network.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80));
    expect(synth(stack)).toThrow(
      /Function Remit\/Remittance\/Remit can reach the internet on tcp\/80 to "0.0.0.0\/0" through security group Remit\/Network\/FunctionSecurityGroup/,
    );
  });

  test('fires: a function added to the VPC with a default (allow all outbound) security group', () => {
    const stack = sampleStack();
    extraFunction(stack);
    expect(synth(stack)).toThrow(
      /Function Remit\/Extra can reach the internet on all traffic to "0.0.0.0\/0"/,
    );
  });

  test('fires: 443 over IPv6 is still the internet, and a public CIDR is too', () => {
    const stack = sampleStack();
    const group = new ec2.SecurityGroup(stack, 'ExtraGroup', {
      vpc: stack.network.vpc,
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(22));
    group.addEgressRule(ec2.Peer.ipv4('203.0.113.0/24'), ec2.Port.udp(53));
    extraFunction(stack, { securityGroups: [group] });
    expect(synth(stack)).toThrow(/tcp\/22 to "::\/0"/);
    expect(synth(stack)).toThrow(/udp\/53 to "203.0.113.0\/24"/);
  });

  test('fires: an imported security group cannot be verified', () => {
    const stack = sampleStack();
    extraFunction(stack, {
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-0123456789abcdef0')],
    });
    expect(synth(stack)).toThrow(
      /uses security group "sg-0123456789abcdef0", which is not defined in this app/,
    );
  });

  test('quiet: anything inside the VPC (its CIDR, private ranges, other groups) and 443 outside', () => {
    const stack = sampleStack();
    const group = new ec2.SecurityGroup(stack, 'ExtraGroup', {
      vpc: stack.network.vpc,
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.ipv4(stack.network.vpc.vpcCidrBlock), ec2.Port.allTraffic());
    group.addEgressRule(ec2.Peer.ipv4('10.20.0.0/16'), ec2.Port.tcp(5432));
    group.addEgressRule(stack.service.cacheSecurityGroup, ec2.Port.tcp(6379));
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    extraFunction(stack, { securityGroups: [group] });
    // A function outside the VPC is not this check's business.
    new lambda.Function(stack, 'Outside', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });
    expect(synth(stack)).not.toThrow();
  });
});

describe('across stacks', () => {
  const twoStacks = () => {
    const app = newApp();
    const networkStack = new Stack(app, 'Net', { env });
    const network = new StaticEgressNetwork(networkStack, 'Network');
    const serviceStack = new Stack(app, 'Svc', { env });
    new RemittanceService(serviceStack, 'Remittance', {
      network,
      providerBaseUrl: sampleProps.providerBaseUrl,
      institutionCode: sampleProps.institutionCode,
      accounts: sampleProps.accounts,
      payerAccount: sampleProps.payerAccount,
      ingestEntry: fixtureEntry,
      remitEntry: fixtureEntry,
      reconcileEntry: fixtureEntry,
    });
    return { app, network };
  };

  test('quiet: the network in one stack, the service in another', () => {
    expect(() => twoStacks().app.synth()).not.toThrow();
  });

  test('fires: functions in the other stack are still checked through the imported group', () => {
    const { app, network } = twoStacks();
    network.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(25));
    expect(() => app.synth()).toThrow(/Function Svc\/Remittance\/Remit can reach the internet on tcp\/25/);
  });
});
