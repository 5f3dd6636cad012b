/**
 * StaticEgressNetwork in an existing VPC (imported with fromVpcAttributes, as a payment team that
 * shares the VPC with its main server would): template assertions on one shared synth, then
 * each synth-time check firing and staying quiet in this mode.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, test } from 'vitest';
import { StaticEgressNetwork } from '../src/index.js';
import { existingVpcStack, newApp, removeOutdirs, sharedVpc } from './helpers.js';

afterAll(removeOutdirs);

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
const synth = (stack: ReturnType<typeof existingVpcStack>) => () => Template.fromStack(stack);

function entries(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

const existingRouteTables = [...sharedVpc.publicSubnetRouteTableIds, ...sharedVpc.privateSubnetRouteTableIds];

describe('existing VPC: one NAT gateway, created EIP, main server declared', () => {
  const stack = existingVpcStack();
  const template = Template.fromStack(stack);
  const json = JSON.stringify(template.toJSON());

  test('no VPC, internet gateway or public subnet is created: only the NAT and two private subnets', () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 0);
    const subnets = entries(template, 'AWS::EC2::Subnet').map(([, s]) => s.Properties);
    expect(subnets).toEqual([
      expect.objectContaining({
        VpcId: sharedVpc.vpcId,
        CidrBlock: '10.20.64.0/22',
        AvailabilityZone: 'ap-northeast-2a',
        MapPublicIpOnLaunch: false,
      }),
      expect.objectContaining({
        VpcId: sharedVpc.vpcId,
        CidrBlock: '10.20.68.0/22',
        AvailabilityZone: 'ap-northeast-2c',
        MapPublicIpOnLaunch: false,
      }),
    ]);
  });

  test('the NAT gateway sits in the given public subnet and carries the retained Elastic IP', () => {
    const [[eipId, eip]] = entries(template, 'AWS::EC2::EIP') as [[string, Resource]];
    expect(eip).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const nats = entries(template, 'AWS::EC2::NatGateway');
    expect(nats).toHaveLength(1);
    expect(nats[0]![1].Properties).toMatchObject({
      SubnetId: sharedVpc.publicSubnetIds[0],
      AllocationId: { 'Fn::GetAtt': [eipId, 'AllocationId'] },
    });
    template.hasOutput('*', { Value: { Ref: eipId } });
  });

  test('each new private subnet has its own route table whose default route is that NAT', () => {
    const [[natId]] = entries(template, 'AWS::EC2::NatGateway') as [[string, Resource]];
    const tables = entries(template, 'AWS::EC2::RouteTable');
    expect(tables).toHaveLength(2);
    const routes = entries(template, 'AWS::EC2::Route').map(([, r]) => r.Properties);
    expect(routes).toHaveLength(2);
    for (const [tableId, table] of tables) {
      expect(table.Properties.VpcId).toBe(sharedVpc.vpcId);
      expect(routes).toContainEqual({
        RouteTableId: { Ref: tableId },
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: { Ref: natId },
      });
    }
    const associations = entries(template, 'AWS::EC2::SubnetRouteTableAssociation').map(
      ([, a]) => a.Properties,
    );
    const subnetIds = entries(template, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    expect(associations.map((a) => a.SubnetId)).toEqual(subnetIds);
    expect(new Set(associations.map((a) => JSON.stringify(a.RouteTableId)))).toEqual(
      new Set(tables.map(([id]) => JSON.stringify({ Ref: id }))),
    );
  });

  test('no existing route table or private subnet is touched (or even referenced)', () => {
    for (const id of [...existingRouteTables, ...sharedVpc.privateSubnetIds, sharedVpc.publicSubnetIds[1]]) {
      expect(json, id).not.toContain(id);
    }
    for (const [, route] of entries(template, 'AWS::EC2::Route')) {
      expect(route.Properties.RouteTableId).toEqual({ Ref: expect.any(String) });
    }
  });

  test('DynamoDB gateway endpoint only on the new route tables', () => {
    const [[, endpoint]] = entries(template, 'AWS::EC2::VPCEndpoint').filter(
      ([, e]) => e.Properties.VpcEndpointType === 'Gateway',
    ) as [[string, Resource]];
    expect(endpoint.Properties.VpcId).toBe(sharedVpc.vpcId);
    expect(endpoint.Properties.RouteTableIds).toEqual(
      entries(template, 'AWS::EC2::RouteTable').map(([id]) => ({ Ref: id })),
    );
  });

  test('functions, cache and interface endpoints use the new subnets; endpoints admit functions and main server', () => {
    const subnetRefs = entries(template, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    for (const [, fn] of entries(template, 'AWS::Lambda::Function')) {
      expect((fn.Properties.VpcConfig as { SubnetIds: unknown }).SubnetIds).toEqual(subnetRefs);
    }
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: subnetRefs });
    const groups = entries(template, 'AWS::EC2::SecurityGroup');
    const groupId = (description: RegExp) => {
      const found = groups.find(([, g]) => description.test(String(g.Properties.GroupDescription)));
      return { 'Fn::GetAtt': [found![0], 'GroupId'] };
    };
    const endpointSg = groupId(/interface endpoints/);
    for (const service of ['sqs', 'secretsmanager']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.ap-northeast-2.${service}`,
        VpcId: sharedVpc.vpcId,
        PrivateDnsEnabled: true,
        SecurityGroupIds: [endpointSg],
        SubnetIds: subnetRefs,
      });
    }
    const ingress = entries(template, 'AWS::EC2::SecurityGroupIngress')
      .map(([, r]) => r.Properties)
      .filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(endpointSg));
    expect(ingress).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: groupId(/remit functions/),
      }),
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: sharedVpc.mainServerSecurityGroupId,
      }),
    ]);
  });

  test("flow logs cover the construct's own subnets, not the shared VPC", () => {
    const flowLogs = entries(template, 'AWS::EC2::FlowLog').map(([, f]) => f.Properties);
    expect(flowLogs.map((f) => f.ResourceType)).toEqual(['Subnet', 'Subnet']);
    expect(flowLogs.every((f) => f.TrafficType === 'ALL')).toBe(true);
  });
});

describe('existing VPC variants', () => {
  test('natGateways: 2 with imported addresses: one NAT per public subnet, each AZ routes to its own', () => {
    const ids = ['eipalloc-0123456789abcdef0', 'eipalloc-0fedcba9876543210'];
    const template = Template.fromStack(existingVpcStack(newApp(), () => ({ eipAllocationIds: ids })));
    template.resourceCountIs('AWS::EC2::EIP', 0);
    const nats = entries(template, 'AWS::EC2::NatGateway');
    expect(nats.map(([, n]) => [n.Properties.SubnetId, n.Properties.AllocationId])).toEqual([
      [sharedVpc.publicSubnetIds[0], ids[0]],
      [sharedVpc.publicSubnetIds[1], ids[1]],
    ]);
    const subnets = entries(template, 'AWS::EC2::Subnet');
    const associations = entries(template, 'AWS::EC2::SubnetRouteTableAssociation').map(
      ([, a]) => a.Properties,
    );
    const routes = entries(template, 'AWS::EC2::Route').map(([, r]) => r.Properties);
    subnets.forEach(([subnetId], i) => {
      const table = associations.find(
        (a) => JSON.stringify(a.SubnetId) === JSON.stringify({ Ref: subnetId }),
      )!;
      const route = routes.find(
        (r) => JSON.stringify(r.RouteTableId) === JSON.stringify(table.RouteTableId),
      )!;
      expect(route.NatGatewayId).toEqual({ Ref: nats[i]![0] });
    });
    template.hasOutput('*', { Value: ids.join(',') });
  });

  test('reused SQS endpoint with a mutable group: no new SQS endpoint, the functions are admitted on it', () => {
    const template = Template.fromStack(
      existingVpcStack(newApp(), (stack) => ({
        sqsEndpoint: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Sqs', {
          vpcEndpointId: 'vpce-0aaaa0000000000sqs',
          port: 443,
          securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'SqsSg', 'sg-0aaaa0000000sqsep')],
        }),
      })),
    );
    const services = entries(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties.ServiceName);
    expect(services).not.toContain('com.amazonaws.ap-northeast-2.sqs');
    expect(services).toContain('com.amazonaws.ap-northeast-2.secretsmanager');
    const onEndpoint = entries(template, 'AWS::EC2::SecurityGroupIngress')
      .map(([, r]) => r.Properties)
      .filter((r) => r.GroupId === 'sg-0aaaa0000000sqsep');
    expect(onEndpoint).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/FunctionSecurityGroup/), 'GroupId'] },
      }),
    ]);
  });
});

describe('checks in an existing VPC', () => {
  test('fires: new endpoints with private DNS but no declared client and no acknowledgment (the seed outage)', () => {
    const stack = existingVpcStack(newApp(), () => ({ sqsClients: [] }));
    expect(synth(stack)).toThrow(
      /RemitShared\/Network creates SQS\/Secrets Manager interface endpoints with private DNS in an existing VPC, but declares no other client.*EVERY resource in the VPC.*main server's SQS calls would time out/s,
    );
  });

  test("quiet: acknowledged 'none-other-in-vpc', a client added later, or endpoints disabled", () => {
    expect(
      synth(
        existingVpcStack(newApp(), () => ({ sqsClients: [], sqsClientsAcknowledged: 'none-other-in-vpc' })),
      ),
    ).not.toThrow();
    const later = existingVpcStack(newApp(), () => ({ sqsClients: [] }));
    later.network.addSqsClient(ec2.SecurityGroup.fromSecurityGroupId(later, 'Ecs', 'sg-0aaaa0000000000ecs'));
    expect(synth(later)).not.toThrow();
    expect(
      synth(existingVpcStack(newApp(), () => ({ sqsClients: [], interfaceEndpoints: false }))),
    ).not.toThrow();
  });

  test('fires: a declared client is not admitted by another private-DNS endpoint added to the shared VPC', () => {
    const stack = existingVpcStack();
    const kmsGroup = new ec2.SecurityGroup(stack, 'KmsEndpointGroup', {
      vpc: stack.vpc,
      allowAllOutbound: false,
    });
    kmsGroup.addIngressRule(stack.network.functionSecurityGroup, ec2.Port.tcp(443));
    new ec2.InterfaceVpcEndpoint(stack, 'Kms', {
      vpc: stack.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.KMS,
      subnets: stack.network.functionSubnets,
      securityGroups: [kmsGroup],
      open: false,
    });
    expect(synth(stack)).toThrow(
      /Declared SQS client \(RemitShared\/MainServer\) is not admitted on tcp\/443 .*RemitShared\/Kms/,
    );
  });

  test('fires: reused endpoints whose groups are immutable (admission invisible); quiet when the caller declares it', () => {
    const reuse = (declared: boolean) =>
      existingVpcStack(newApp(), (stack) => ({
        sqsEndpoint: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Sqs', {
          vpcEndpointId: 'vpce-0aaaa0000000000sqs',
          port: 443,
          securityGroups: [
            ec2.SecurityGroup.fromSecurityGroupId(stack, 'SqsSg', 'sg-0aaaa0000000sqsep', { mutable: false }),
          ],
        }),
        secretsManagerEndpoint: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Sm', {
          vpcEndpointId: 'vpce-0aaaa00000000000sm',
          port: 443,
        }),
        sqsClients: [],
        ...(declared ? { reusedEndpointsAdmission: 'admitted-by-caller' as const } : {}),
      }));
    const stack = reuse(false);
    expect(synth(stack)).toThrow(
      /reused Sqs endpoint RemitShared\/Sqs does not visibly admit the functions' security group.*mutable: false/,
    );
    expect(synth(stack)).toThrow(
      /reused SecretsManager endpoint RemitShared\/Sm .*imported without security groups/,
    );
    // Both endpoints reused: nothing new captures the VPC's DNS, so no client declaration is needed.
    expect(synth(stack)).not.toThrow(/declares no other client/);
    expect(synth(reuse(true))).not.toThrow();
  });

  test('fires: a NAT gateway added by hand in the shared public subnet', () => {
    const stack = existingVpcStack();
    new ec2.CfnNatGateway(stack, 'HandNat', { subnetId: sharedVpc.publicSubnetIds[1] });
    expect(synth(stack)).toThrow(
      /NAT RemitShared\/HandNat does not egress from a published Elastic IP \(it has none\)/,
    );
    expect(synth(stack)).toThrow(/2 NAT\(s\) but 1 published Elastic IP/);
  });

  test('fires: the function security group leaves on tcp/80', () => {
    const stack = existingVpcStack();
    stack.network.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80));
    expect(synth(stack)).toThrow(
      /Function RemitShared\/Remittance\/Remit can reach the internet on tcp\/80 to "0.0.0.0\/0"/,
    );
  });

  test("fires: a function with the network's group in the VPC's existing private subnets (another NAT's address)", () => {
    const stack = existingVpcStack();
    new lambda.Function(stack, 'Stray', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
      vpc: stack.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [stack.network.functionSecurityGroup],
    });
    expect(synth(stack)).toThrow(
      /Function RemitShared\/Stray runs in subnet\(s\) "subnet-0aaaa00000000app1", "subnet-0aaaa00000000app2" outside the network's function subnets/,
    );
  });

  test('fires before synth: missing privateSubnetCidrs, a NAT subnet that is not public, a NAT instance, no NAT per AZ', () => {
    expect(() => existingVpcStack(newApp(), () => ({ privateSubnetCidrs: [] }))).toThrow(
      /privateSubnetCidrs is required with an existing vpc.*never changes the routes/,
    );
    expect(() =>
      existingVpcStack(newApp(), (stack) => ({
        natSubnets: [ec2.Subnet.fromSubnetId(stack, 'App1', sharedVpc.privateSubnetIds[0])],
      })),
    ).toThrow(/natSubnets subnet-0aaaa00000000app1 is not one of the VPC's public subnets/);
    expect(() => existingVpcStack(newApp(), () => ({ natKind: 'instance' }))).toThrow(
      /natKind 'instance' is not supported with an existing vpc/,
    );
    expect(() =>
      existingVpcStack(newApp(), (stack) => ({
        natGateways: 2,
        natSubnets: [
          ec2.Subnet.fromSubnetId(stack, 'P1', sharedVpc.publicSubnetIds[0]),
          ec2.Subnet.fromSubnetId(stack, 'P2', sharedVpc.publicSubnetIds[1]),
        ],
      })),
    ).toThrow(/no NAT in ap-northeast-2a for privateSubnetCidrs 10.20.64.0\/22/);
  });

  test('fires before synth: existing-VPC props without a vpc', () => {
    const stack = existingVpcStack();
    expect(
      () => new StaticEgressNetwork(stack, 'Other', { sqsClientsAcknowledged: 'none-other-in-vpc' }),
    ).toThrow(/sqsClientsAcknowledged applies to an existing vpc only/);
  });
});
