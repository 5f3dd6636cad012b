import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, test } from 'vitest';
import { NatKind } from '../src/index.js';
import { newApp, removeOutdirs, sampleStack } from './helpers.js';

afterAll(removeOutdirs);

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;

function only(template: Template, type: string, props?: object): [string, Resource] {
  const found = Object.entries(template.findResources(type, props ? { Properties: props } : undefined));
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

function logicalIds(template: Template, type: string, props?: object): string[] {
  return Object.keys(template.findResources(type, props ? { Properties: props } : undefined));
}

/** Every security group rule as one readable line, with groups named by their description. */
function ruleTable(template: Template): string[] {
  const groups = template.findResources('AWS::EC2::SecurityGroup');
  const name = (ref: unknown): string => {
    const id = (ref as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    const description = id ? (groups[id]?.Properties.GroupDescription as string | undefined) : undefined;
    return description ? description.split(':')[0]! : JSON.stringify(ref);
  };
  const line = (group: string, dir: string, r: Record<string, unknown>) => {
    const peer =
      r.CidrIp ??
      (r.SourceSecurityGroupId ? name(r.SourceSecurityGroupId) : undefined) ??
      (r.DestinationSecurityGroupId ? name(r.DestinationSecurityGroupId) : undefined);
    return `${group} ${dir} ${r.IpProtocol}/${r.FromPort}-${r.ToPort} ${dir === 'in' ? 'from' : 'to'} ${peer}`;
  };
  const lines: string[] = [];
  for (const [id, g] of Object.entries(groups)) {
    const group = name({ 'Fn::GetAtt': [id, 'GroupId'] });
    for (const r of (g.Properties.SecurityGroupIngress ?? []) as Record<string, unknown>[])
      lines.push(line(group, 'in', r));
    for (const r of (g.Properties.SecurityGroupEgress ?? []) as Record<string, unknown>[])
      lines.push(line(group, 'out', r));
  }
  for (const r of Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))) {
    lines.push(line(name(r.Properties.GroupId), 'in', r.Properties));
  }
  for (const r of Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))) {
    lines.push(line(name(r.Properties.GroupId), 'out', r.Properties));
  }
  return lines.sort();
}

describe('StaticEgressNetwork, defaults (one NAT gateway, created EIP)', () => {
  const template = Template.fromStack(sampleStack());

  test('one NAT gateway, in a public subnet, carrying the one Elastic IP', () => {
    const [eipId] = only(template, 'AWS::EC2::EIP', { Domain: 'vpc' });
    const [, nat] = only(template, 'AWS::EC2::NatGateway');
    expect(nat.Properties.AllocationId).toEqual({ 'Fn::GetAtt': [eipId, 'AllocationId'] });
    const publicSubnets = logicalIds(template, 'AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    expect(publicSubnets).toContainEqual((nat.Properties.SubnetId as { Ref: string }).Ref);
  });

  test('the Elastic IP outlives the stack (retained on delete and on replacement)', () => {
    template.hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('both private subnets default-route through that NAT gateway', () => {
    const [natId] = only(template, 'AWS::EC2::NatGateway');
    const routes = Object.values(
      template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } }),
    );
    expect(routes.map((r) => r.Properties.NatGatewayId)).toEqual([{ Ref: natId }, { Ref: natId }]);
    expect(routes.every((r) => r.Properties.DestinationCidrBlock === '0.0.0.0/0')).toBe(true);
  });

  test('the VPC spans two AZs with a public and a private subnet in each', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    expect(new Set(subnets.map((s) => s.Properties.AvailabilityZone))).toEqual(
      new Set(['ap-northeast-2a', 'ap-northeast-2b']),
    );
  });

  test('the egress IP and its allocation id are stack outputs', () => {
    const [eipId] = only(template, 'AWS::EC2::EIP');
    template.hasOutput('*', { Value: { Ref: eipId }, Description: Match.stringLikeRegexp('allow-list') });
    template.hasOutput('*', { Value: { 'Fn::GetAtt': [eipId, 'AllocationId'] } });
  });

  test('DynamoDB goes through a gateway endpoint on the private route tables', () => {
    const [, endpoint] = only(template, 'AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
    expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('.dynamodb');
    const privateTables = Object.entries(template.findResources('AWS::EC2::RouteTable'))
      .filter(([id]) => id.includes('private'))
      .map(([id]) => ({ Ref: id }));
    expect(endpoint.Properties.RouteTableIds).toEqual(expect.arrayContaining(privateTables));
  });

  test('SQS and Secrets Manager interface endpoints with private DNS, guarded by the endpoint group', () => {
    const [endpointSg] = only(template, 'AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('interface endpoints'),
    });
    const privateSubnets = logicalIds(template, 'AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }).map(
      (id) => ({
        Ref: id,
      }),
    );
    for (const service of [
      'com.amazonaws.ap-northeast-2.sqs',
      'com.amazonaws.ap-northeast-2.secretsmanager',
    ]) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: service,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SecurityGroupIds: [{ 'Fn::GetAtt': [endpointSg, 'GroupId'] }],
        SubnetIds: Match.arrayEquals(privateSubnets),
      });
    }
  });

  test('security group rules: functions out on 443 only; endpoints and cache admit the functions only', () => {
    expect(ruleTable(template)).toEqual([
      'SQS and Secrets Manager interface endpoints in tcp/443-443 from remit functions',
      'SQS and Secrets Manager interface endpoints out icmp/252-86 to 255.255.255.255/32',
      'remit functions out tcp/443-443 to 0.0.0.0/0',
      'remit functions out tcp/6379-6379 to remit sequence cache',
      'remit sequence cache in tcp/6379-6379 from remit functions',
      'remit sequence cache out icmp/252-86 to 255.255.255.255/32',
    ]);
  });

  test('flow logs record all traffic into a log group with a retention', () => {
    const [, flowLog] = only(template, 'AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    const groupId = (flowLog.Properties.LogGroupName as { Ref: string }).Ref;
    expect(template.findResources('AWS::Logs::LogGroup')[groupId]).toMatchObject({
      Properties: { RetentionInDays: 90 },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('StaticEgressNetwork variants', () => {
  test('imported allocation id: no new EIP, the NAT uses the imported one, outputs publish it', () => {
    const template = Template.fromStack(
      sampleStack(newApp(), { eipAllocationIds: ['eipalloc-0123456789abcdef0'] }),
    );
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourcePropertiesCountIs(
      'AWS::EC2::NatGateway',
      { AllocationId: 'eipalloc-0123456789abcdef0' },
      1,
    );
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasOutput('*', { Value: 'eipalloc-0123456789abcdef0' });
  });

  test('natGateways: 2 gives each AZ its own NAT and retained EIP, and publishes both addresses', () => {
    const template = Template.fromStack(sampleStack(newApp(), { natGateways: 2 }));
    const eips = logicalIds(template, 'AWS::EC2::EIP');
    expect(eips).toHaveLength(2);
    for (const eip of eips) {
      template.hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain', Properties: Match.anyValue() });
      template.resourcePropertiesCountIs(
        'AWS::EC2::NatGateway',
        { AllocationId: { 'Fn::GetAtt': [eip, 'AllocationId'] } },
        1,
      );
    }
    const natIds = logicalIds(template, 'AWS::EC2::NatGateway');
    const routes = Object.values(
      template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } }),
    );
    expect(new Set(routes.map((r) => (r.Properties.NatGatewayId as { Ref: string }).Ref))).toEqual(
      new Set(natIds),
    );
    template.hasOutput('*', { Value: { 'Fn::Join': [',', eips.map((id) => ({ Ref: id }))] } });
  });

  test('NAT instance: no NAT gateway; the instance forwards 443 from the functions and carries the EIP', () => {
    const template = Template.fromStack(sampleStack(newApp(), { natKind: NatKind.INSTANCE }));
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const [eipId] = only(template, 'AWS::EC2::EIP');
    template.hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain' });
    const [instanceId, instance] = only(template, 'AWS::EC2::Instance', { SourceDestCheck: false });
    expect(instance.Properties.InstanceType).toBe('t4g.nano');
    expect(instance.Properties.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true } },
    ]);
    template.hasResourceProperties('AWS::EC2::EIPAssociation', {
      AllocationId: { 'Fn::GetAtt': [eipId, 'AllocationId'] },
      InstanceId: { Ref: instanceId },
    });
    const routes = Object.values(
      template.findResources('AWS::EC2::Route', { Properties: { InstanceId: Match.anyValue() } }),
    );
    expect(routes).toHaveLength(2);
    expect(ruleTable(template)).toEqual(
      expect.arrayContaining([
        'Security Group for NAT instances in tcp/443-443 from remit functions',
        'Security Group for NAT instances out tcp/443-443 to 0.0.0.0/0',
      ]),
    );
    expect(ruleTable(template).filter((l) => l.startsWith('Security Group for NAT'))).toHaveLength(2);
  });

  test('interfaceEndpoints: false leaves only the DynamoDB gateway endpoint', () => {
    const template = Template.fromStack(sampleStack(newApp(), { interfaceEndpoints: false }));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.resourcePropertiesCountIs(
      'AWS::EC2::SecurityGroup',
      { GroupDescription: Match.stringLikeRegexp('interface endpoints') },
      0,
    );
  });
});
