/**
 * Synth-time checks that make the seed's outage (and its cousins) impossible to deploy by accident.
 *
 * They run as construct validations (`node.addValidation`), so `cdk synth`, `cdk deploy` and
 * `Template.fromStack` all fail with the messages below; nothing has to be registered by the user.
 * Each check reads the L1 resources of the whole app and compares values the way CloudFormation
 * will see them (`Stack.resolve`), so it also catches rules, NATs and functions added outside
 * these constructs. Raw escape-hatch overrides (`addPropertyOverride`) are not visible to it.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';

/** The only destination port a function in the VPC may use beyond the VPC: HTTPS. */
export const INTERNET_PORT = 443;

type Props = Record<string, unknown>;

/**
 * A value as CloudFormation sees it from `scope`'s stack, as a comparable string.
 *
 * When the value belongs to `owner` in another stack, it only means the same thing if it crossed
 * over as an import (or is a literal, like an imported `sg-...`): two stacks built from the same
 * constructs have the same logical ids, and a bare `Ref` to the other stack's resource must not
 * match this stack's namesake.
 */
function key(scope: IConstruct, value: unknown, owner?: IConstruct): string {
  const json = JSON.stringify(Stack.of(scope).resolve(value));
  if (owner === undefined || Stack.of(owner) === Stack.of(scope)) return json;
  const crossesOver = json.includes('Fn::ImportValue') || !/"(Ref|Fn::GetAtt)"/.test(json);
  return crossesOver ? json : `${Stack.of(owner).node.path}:${json}`;
}

function resolved(scope: IConstruct, value: unknown): unknown {
  return Stack.of(scope).resolve(value);
}

function cfnOfType(root: IConstruct, type: string): CfnResource[] {
  return root.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type);
}

/** L1 property values are camelCase; rendered ones are PascalCase. Accept both. */
function field(obj: unknown, camel: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const o = obj as Props;
  return o[camel] ?? o[camel.charAt(0).toUpperCase() + camel.slice(1)];
}

function prop(resource: CfnResource, camel: string): unknown {
  return (resource as unknown as Props)[camel];
}

interface SgRule {
  readonly protocol: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  /** Resolved destination/source CIDR (IPv4), if any. */
  readonly cidrIp: unknown;
  readonly cidrIpv6: unknown;
  readonly prefixList: unknown;
  /** Comparable key of the peer security group, resolved in `context`'s stack. */
  readonly peerGroup: string | undefined;
  /** The construct whose stack the values were resolved in. */
  readonly context: IConstruct;
}

const protocolNames: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function toRule(raw: unknown, context: IConstruct, peerField: string): SgRule {
  const protocol = String(field(raw, 'ipProtocol') ?? '-1').toLowerCase();
  const peer = field(raw, peerField);
  const fromPort = field(raw, 'fromPort');
  const toPort = field(raw, 'toPort');
  return {
    protocol: protocolNames[protocol] ?? protocol,
    fromPort: typeof fromPort === 'number' ? fromPort : undefined,
    toPort: typeof toPort === 'number' ? toPort : undefined,
    cidrIp: field(raw, 'cidrIp'),
    cidrIpv6: field(raw, 'cidrIpv6'),
    prefixList: field(
      raw,
      peerField === 'sourceSecurityGroupId' ? 'sourcePrefixListId' : 'destinationPrefixListId',
    ),
    peerGroup: peer === undefined ? undefined : JSON.stringify(peer),
    context,
  };
}

function describeRule(rule: SgRule): string {
  const ports =
    rule.protocol === '-1'
      ? 'all traffic'
      : rule.fromPort === rule.toPort
        ? `${rule.protocol}/${rule.fromPort}`
        : `${rule.protocol}/${rule.fromPort}-${rule.toPort}`;
  const to =
    rule.cidrIp !== undefined
      ? JSON.stringify(rule.cidrIp)
      : rule.cidrIpv6 !== undefined
        ? JSON.stringify(rule.cidrIpv6)
        : rule.prefixList !== undefined
          ? `prefix list ${JSON.stringify(rule.prefixList)}`
          : 'a security group';
  return `${ports} to ${to}`;
}

/** Both inline rules and standalone `AWS::EC2::SecurityGroup{Ingress,Egress}` resources. */
function rulesOf(root: IConstruct, group: CfnResource, direction: 'ingress' | 'egress'): SgRule[] {
  const peerField = direction === 'ingress' ? 'sourceSecurityGroupId' : 'destinationSecurityGroupId';
  const inline = resolved(
    group,
    prop(group, direction === 'ingress' ? 'securityGroupIngress' : 'securityGroupEgress'),
  );
  const rules = Array.isArray(inline) ? inline.map((r) => toRule(r, group, peerField)) : [];
  const type = direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  for (const standalone of cfnOfType(root, type)) {
    if (key(standalone, prop(standalone, 'groupId')) !== key(standalone, prop(group, 'attrGroupId'), group))
      continue;
    const raw: Props = {};
    for (const name of ['ipProtocol', 'fromPort', 'toPort', 'cidrIp', 'cidrIpv6', peerField]) {
      raw[name] = resolved(standalone, prop(standalone, name));
    }
    raw.sourcePrefixListId = resolved(standalone, prop(standalone, 'sourcePrefixListId'));
    raw.destinationPrefixListId = resolved(standalone, prop(standalone, 'destinationPrefixListId'));
    rules.push(toRule(raw, standalone, peerField));
  }
  return rules;
}

function findGroup(root: IConstruct, context: IConstruct, groupId: unknown): CfnResource | undefined {
  const wanted = JSON.stringify(groupId);
  return cfnOfType(root, 'AWS::EC2::SecurityGroup').find(
    (g) => key(context, prop(g, 'attrGroupId'), g) === wanted,
  );
}

function coversPort(rule: SgRule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  if (rule.protocol !== 'tcp') return false;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}

/** CDK's placeholder egress rule on a group that allows no outbound traffic. */
function isCdkDenyAllPlaceholder(rule: SgRule): boolean {
  return rule.cidrIp === '255.255.255.255/32' && rule.protocol === 'icmp' && rule.fromPort === 252;
}

function parseIpv4Cidr(cidr: string): { ip: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return { ip: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, bits: Number(m[5]) };
}

/** RFC 1918 space: never routed to the internet, so never through the NAT. */
function isPrivateCidr(cidr: string): boolean {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) return false;
  const within = (base: number, bits: number) =>
    parsed.bits >= bits && (parsed.ip & (~0 << (32 - bits))) >>> 0 === base >>> 0;
  return within(0x0a000000, 8) || within(0xac100000, 12) || within(0xc0a80000, 16);
}

/**
 * The VPC's subnets, plus `extra` ones an imported VPC does not list (the subnets a network
 * created in it, the public subnets it put its NATs in).
 */
function vpcSubnetKeys(context: IConstruct, vpc: ec2.IVpc, extra: readonly ec2.ISubnet[] = []): Set<string> {
  const subnets = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
  return new Set([
    ...subnets.map((s) => key(context, s.subnetId, vpc)),
    ...extra.map((s) => key(context, s.subnetId, s)),
  ]);
}

/** The VPC's CIDR as a comparable key, or undefined for an imported VPC that was not told it. */
function vpcCidrKey(context: IConstruct, vpc: ec2.IVpc): string | undefined {
  let cidr: string;
  try {
    cidr = vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
  return key(context, cidr, vpc);
}

/** Does this egress rule let traffic leave the VPC (towards the NAT and the internet)? */
function leavesVpc(rule: SgRule, vpc: ec2.IVpc): boolean {
  if (rule.peerGroup !== undefined) return false;
  if (rule.cidrIp !== undefined) {
    if (JSON.stringify(rule.cidrIp) === vpcCidrKey(rule.context, vpc)) return false;
    // A CIDR that is a token other than the VPC's own cannot be proven private: count it.
    return !(typeof rule.cidrIp === 'string' && isPrivateCidr(rule.cidrIp));
  }
  return true; // IPv6 (the VPC has none) and prefix lists (public AWS ranges)
}

/**
 * Every interface endpoint with private DNS in `vpc` must admit tcp/443 from each client.
 *
 * Private DNS makes the service's public hostname resolve to the endpoint's private addresses
 * for EVERY resource in the VPC, so a client the endpoint's security group does not admit loses
 * the service entirely (the seed's outage: the main server's SQS calls timed out).
 */
export function endpointAdmissionViolations(
  scope: IConstruct,
  vpc: ec2.IVpc,
  clients: readonly { readonly name: string; readonly group: ec2.ISecurityGroup }[],
): string[] {
  const root = scope.node.root;
  const messages: string[] = [];
  for (const endpoint of cfnOfType(root, 'AWS::EC2::VPCEndpoint')) {
    if (key(endpoint, prop(endpoint, 'vpcId')) !== key(endpoint, vpc.vpcId, vpc)) continue;
    if (resolved(endpoint, prop(endpoint, 'vpcEndpointType')) !== 'Interface') continue;
    if (resolved(endpoint, prop(endpoint, 'privateDnsEnabled')) === false) continue;
    const groupIds = resolved(endpoint, prop(endpoint, 'securityGroupIds'));
    const groups = (Array.isArray(groupIds) ? groupIds : []).map((id) => ({
      id,
      cfn: findGroup(root, endpoint, id),
    }));
    const unverifiable = groups.filter((g) => g.cfn === undefined).map((g) => JSON.stringify(g.id));
    const ingress = groups.flatMap((g) => (g.cfn ? rulesOf(root, g.cfn, 'ingress') : []));
    for (const client of clients) {
      const admitted = ingress.some(
        (rule) =>
          coversPort(rule, INTERNET_PORT) &&
          (rule.peerGroup === key(rule.context, client.group.securityGroupId, client.group) ||
            rule.cidrIp === '0.0.0.0/0' ||
            JSON.stringify(rule.cidrIp) === vpcCidrKey(rule.context, vpc)),
      );
      if (admitted) continue;
      messages.push(
        `${client.name} (${client.group.node.path}) is not admitted on tcp/443 by the security group of ` +
          `interface endpoint ${endpoint.node.path}. Its private DNS answers for the whole VPC, so that ` +
          `client would lose the service (the SQS outage this package exists to prevent). Admit it on ` +
          `tcp/443 in that endpoint's security group (StaticEgressNetwork.addSqsClient does this for ` +
          `the network's own endpoints) or disable private DNS on that endpoint.` +
          (unverifiable.length > 0
            ? ` Imported security groups ${unverifiable.join(', ')} cannot be inspected at synth time.`
            : ''),
      );
    }
  }
  return messages;
}

/**
 * Every internet-bound gateway of `vpc` (NAT gateway or NAT instance) must leave from one of the
 * published Elastic IPs, and there must be exactly as many gateways as published addresses: a
 * gateway with an unpublished address sends that AZ's transfers from an IP the provider rejects.
 */
export function egressGatewayViolations(
  scope: IConstruct,
  vpc: ec2.IVpc,
  publishedAllocationIds: readonly string[],
  subnets: readonly ec2.ISubnet[] = [],
): string[] {
  const root = scope.node.root;
  const messages: string[] = [];
  const gateways: { path: string; allocation: string | undefined; published: Set<string> }[] = [];

  for (const nat of cfnOfType(root, 'AWS::EC2::NatGateway')) {
    if (!vpcSubnetKeys(nat, vpc, subnets).has(key(nat, prop(nat, 'subnetId')))) continue;
    if (resolved(nat, prop(nat, 'connectivityType')) === 'private') continue;
    const allocation = prop(nat, 'allocationId');
    gateways.push({
      path: nat.node.path,
      allocation: allocation === undefined ? undefined : key(nat, allocation),
      published: new Set(publishedAllocationIds.map((id) => key(nat, id, scope))),
    });
  }

  const associations = cfnOfType(root, 'AWS::EC2::EIPAssociation');
  const eips = cfnOfType(root, 'AWS::EC2::EIP');
  for (const instance of cfnOfType(root, 'AWS::EC2::Instance')) {
    if (resolved(instance, prop(instance, 'sourceDestCheck')) !== false) continue; // not a NAT
    const subnetKeys = vpcSubnetKeys(instance, vpc, subnets);
    const interfaces = resolved(instance, prop(instance, 'networkInterfaces'));
    const instanceSubnets = [
      key(instance, prop(instance, 'subnetId')),
      ...(Array.isArray(interfaces) ? interfaces.map((i) => JSON.stringify(field(i, 'subnetId'))) : []),
    ];
    if (!instanceSubnets.some((s) => subnetKeys.has(s))) continue;
    const association = associations.find(
      (a) => key(a, prop(a, 'instanceId')) === key(a, instance.ref, instance),
    );
    const eip = eips.find((e) => key(e, prop(e, 'instanceId')) === key(e, instance.ref, instance));
    const allocation = association
      ? key(association, prop(association, 'allocationId'))
      : eip
        ? key(instance, prop(eip, 'attrAllocationId'), eip)
        : undefined;
    gateways.push({
      path: instance.node.path,
      allocation,
      published: new Set(publishedAllocationIds.map((id) => key(association ?? instance, id, scope))),
    });
  }

  for (const gateway of gateways) {
    if (gateway.allocation === undefined || !gateway.published.has(gateway.allocation)) {
      messages.push(
        `NAT ${gateway.path} does not egress from a published Elastic IP` +
          `${gateway.allocation === undefined ? ' (it has none)' : ` (allocation ${gateway.allocation})`}: ` +
          'transfers routed through it would leave from an address the provider has not allow-listed.',
      );
    }
  }
  if (gateways.length !== publishedAllocationIds.length) {
    messages.push(
      `The VPC has ${gateways.length} NAT(s) but ${publishedAllocationIds.length} published Elastic IP(s): ` +
        'the provider must allow-list exactly the addresses transfers can leave from.',
    );
  }
  return messages;
}

/**
 * A Lambda function attached to `vpc` may reach beyond the VPC on tcp/443 only: everything that
 * leaves goes through the NAT and out of the allow-listed address, and the provider and every
 * AWS API this app uses are HTTPS.
 */
export function functionEgressViolations(
  scope: IConstruct,
  vpc: ec2.IVpc,
  subnets: readonly ec2.ISubnet[] = [],
): string[] {
  const root = scope.node.root;
  const messages: string[] = [];
  for (const fn of cfnOfType(root, 'AWS::Lambda::Function')) {
    const config = resolved(fn, prop(fn, 'vpcConfig'));
    const subnetIds = field(config, 'subnetIds');
    if (!Array.isArray(subnetIds)) continue;
    const inVpc = vpcSubnetKeys(fn, vpc, subnets);
    if (!subnetIds.some((s) => inVpc.has(JSON.stringify(s)))) continue;
    const groupIds = field(config, 'securityGroupIds');
    const fnName = fn.node.scope?.node.path ?? fn.node.path;
    for (const groupId of Array.isArray(groupIds) ? groupIds : []) {
      const group = findGroup(root, fn, groupId);
      if (!group) {
        messages.push(
          `Function ${fnName} uses security group ${JSON.stringify(groupId)}, which is not defined in this ` +
            'app, so its egress cannot be checked: define the group in the app (allowAllOutbound: false).',
        );
        continue;
      }
      for (const rule of rulesOf(root, group, 'egress')) {
        if (isCdkDenyAllPlaceholder(rule) || !leavesVpc(rule, vpc)) continue;
        const httpsOnly =
          rule.protocol === 'tcp' && rule.fromPort === INTERNET_PORT && rule.toPort === INTERNET_PORT;
        if (httpsOnly) continue;
        messages.push(
          `Function ${fnName} can reach the internet on ${describeRule(rule)} through security group ` +
            `${group.node.path}: only tcp/${INTERNET_PORT} may leave the VPC (set allowAllOutbound: false ` +
            `and allow tcp/${INTERNET_PORT} only).`,
        );
      }
    }
  }
  return messages;
}

/**
 * An interface endpoint that already exists (imported, so not in this app) must admit `functions`
 * on tcp/443 through one of its security groups: rules defined in this app on those groups (a
 * group created here, or `AWS::EC2::SecurityGroupIngress` on an imported group id) are the only
 * evidence synth has. Without it the functions' SQS calls time out behind the endpoint's private
 * DNS, exactly like the main server's did in the seed.
 */
export function reusedEndpointAdmissionViolations(
  scope: IConstruct,
  vpc: ec2.IVpc,
  endpoints: readonly { readonly name: string; readonly endpoint: ec2.IInterfaceVpcEndpoint }[],
  functions: ec2.ISecurityGroup,
): string[] {
  const root = scope.node.root;
  const messages: string[] = [];
  for (const { name, endpoint } of endpoints) {
    const groups = endpoint.connections.securityGroups;
    const admitted = groups.some((group) => {
      const cfn = findGroup(root, scope, group.securityGroupId);
      const rules = cfn
        ? rulesOf(root, cfn, 'ingress')
        : standaloneIngressOn(root, scope, group.securityGroupId);
      return rules.some(
        (rule) =>
          coversPort(rule, INTERNET_PORT) &&
          (rule.peerGroup === key(rule.context, functions.securityGroupId, functions) ||
            rule.cidrIp === '0.0.0.0/0' ||
            JSON.stringify(rule.cidrIp) === vpcCidrKey(rule.context, vpc)),
      );
    });
    if (admitted) continue;
    messages.push(
      `The reused ${name} endpoint ${endpoint.node.path} does not visibly admit the functions' security group ` +
        `(${functions.node.path}) on tcp/443: ${
          groups.length === 0
            ? 'it was imported without security groups'
            : "no rule in this app admits it on the endpoint's groups (an imported group with mutable: false gets none)"
        }. Its private DNS already answers for the whole VPC, so the functions' calls would time out. Import ` +
        'the endpoint with its security groups (mutable), or, if they already admit the functions (for example the ' +
        "new private subnets' CIDRs on 443), say so with reusedEndpointsAdmission: 'admitted-by-caller'.",
    );
  }
  return messages;
}

/** Standalone ingress rules in the app on a group that is not defined in it (an imported `sg-...`). */
function standaloneIngressOn(root: IConstruct, context: IConstruct, groupId: string): SgRule[] {
  const wanted = key(context, groupId);
  return cfnOfType(root, 'AWS::EC2::SecurityGroupIngress')
    .filter((r) => key(r, prop(r, 'groupId')) === wanted)
    .map((r) => {
      const raw: Props = {};
      for (const name of [
        'ipProtocol',
        'fromPort',
        'toPort',
        'cidrIp',
        'cidrIpv6',
        'sourceSecurityGroupId',
      ]) {
        raw[name] = resolved(r, prop(r, name));
      }
      return toRule(raw, r, 'sourceSecurityGroupId');
    });
}

/**
 * A function carrying the network's function security group must run only in the network's own
 * private subnets: those are the ones routed through the NAT with the published Elastic IP. In
 * an existing VPC the other private subnets route through someone else's NAT (another address).
 */
export function functionSubnetViolations(
  scope: IConstruct,
  functions: ec2.ISecurityGroup,
  subnets: readonly ec2.ISubnet[],
): string[] {
  const root = scope.node.root;
  const messages: string[] = [];
  for (const fn of cfnOfType(root, 'AWS::Lambda::Function')) {
    const config = resolved(fn, prop(fn, 'vpcConfig'));
    const groupIds = field(config, 'securityGroupIds');
    const subnetIds = field(config, 'subnetIds');
    if (!Array.isArray(groupIds) || !Array.isArray(subnetIds)) continue;
    const groupKey = key(fn, functions.securityGroupId, functions);
    if (!groupIds.some((g) => JSON.stringify(g) === groupKey)) continue;
    const own = new Set(subnets.map((s) => key(fn, s.subnetId, s)));
    const outside = subnetIds.filter((s) => !own.has(JSON.stringify(s)));
    if (outside.length === 0) continue;
    messages.push(
      `Function ${fn.node.scope?.node.path ?? fn.node.path} runs in subnet(s) ${outside
        .map((s) => JSON.stringify(s))
        .join(', ')} outside the network's function subnets: its transfers would not leave through the ` +
        "NAT with the published Elastic IP. Use the network's functionSubnets.",
    );
  }
  return messages;
}

/**
 * For every function consuming `queue`, the queue's visibility timeout must be at least six
 * times the function's timeout (AWS's guidance for SQS event sources): the poller retries a
 * throttled batch, and a message that becomes visible while still being processed is processed
 * twice at once.
 */
export function queueVisibilityViolations(scope: IConstruct, queue: CfnResource): string[] {
  const root = scope.node.root;
  const messages: string[] = [];
  const visibilitySec = (resolved(queue, prop(queue, 'visibilityTimeout')) as number | undefined) ?? 30;
  const functions = cfnOfType(root, 'AWS::Lambda::Function');
  const aliases = [...cfnOfType(root, 'AWS::Lambda::Alias'), ...cfnOfType(root, 'AWS::Lambda::Version')];
  for (const mapping of cfnOfType(root, 'AWS::Lambda::EventSourceMapping')) {
    if (key(mapping, prop(mapping, 'eventSourceArn')) !== key(mapping, queue.getAtt('Arn'), queue)) continue;
    let target = key(mapping, prop(mapping, 'functionName'));
    let targetContext: IConstruct = mapping;
    const alias = aliases.find((a) => key(mapping, a.ref, a) === target);
    if (alias) {
      target = key(alias, prop(alias, 'functionName'));
      targetContext = alias;
    }
    const fn = functions.find(
      (f) => key(targetContext, f.ref, f) === target || key(targetContext, f.getAtt('Arn'), f) === target,
    );
    if (!fn) {
      messages.push(
        `Event source ${mapping.node.path} consumes ${queue.node.path} but its function is not in this app: ` +
          'cannot check the visibility timeout against the function timeout.',
      );
      continue;
    }
    const timeoutSec = (resolved(fn, prop(fn, 'timeout')) as number | undefined) ?? 3;
    if (visibilitySec < 6 * timeoutSec) {
      messages.push(
        `Queue ${queue.node.path} has a visibility timeout of ${visibilitySec} s, less than 6 x the ` +
          `${timeoutSec} s timeout of ${fn.node.scope?.node.path ?? fn.node.path} that consumes it ` +
          `(need >= ${6 * timeoutSec} s): messages would become visible again while still being processed.`,
      );
    }
  }
  return messages;
}
