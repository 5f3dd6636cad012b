import { CfnOutput, Fn, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  egressGatewayViolations,
  endpointAdmissionViolations,
  functionEgressViolations,
  functionSubnetViolations,
  INTERNET_PORT,
  reusedEndpointAdmissionViolations,
} from './checks.js';

const DECLARED_CLIENT = 'Declared SQS client';

/** How private subnets reach the internet. */
export const NatKind = {
  /** Managed NAT gateway: highly available within its AZ, billed per hour and per GB. */
  GATEWAY: 'gateway',
  /** One EC2 NAT instance per NAT: a fraction of the price, but a server you own and patch. */
  INSTANCE: 'instance',
} as const;
export type NatKind = (typeof NatKind)[keyof typeof NatKind];

/** Props of {@link StaticEgressNetwork}. */
export interface StaticEgressNetworkProps {
  /**
   * How many NATs (one per AZ, at most 2). Every NAT carries its own Elastic IP and every one
   * of those addresses must be allow-listed by the provider; all are published as outputs.
   *
   * @default - the number of `eipAllocationIds` if given, else 1 (both AZs' private subnets
   * route through the one NAT; if its AZ fails, transfers stop until it is back)
   */
  readonly natGateways?: number;

  /**
   * Existing Elastic IP allocation ids (`eipalloc-...`) to put on the NATs, one per NAT, so the
   * allow-listed address is the one the provider already knows, whatever happens to this stack.
   *
   * @default - new Elastic IPs with `RemovalPolicy.RETAIN` (they survive a stack delete; import
   * them here by allocation id before you deploy the stack again)
   */
  readonly eipAllocationIds?: readonly string[];

  /**
   * NAT gateway (managed) or NAT instance (cheap, self-managed). See the README's cost table.
   *
   * @default NatKind.GATEWAY
   */
  readonly natKind?: NatKind;

  /**
   * Instance type of the NAT instances, when `natKind` is `instance`. Graviton types get an
   * arm64 Amazon Linux 2023 image, others x86_64.
   *
   * @default t4g.nano
   */
  readonly natInstanceType?: ec2.InstanceType;

  /**
   * Security groups of everything else in this VPC that calls SQS or Secrets Manager (the main
   * server). The interface endpoints' private DNS captures those calls for the whole VPC, so
   * each client must be admitted on tcp/443; a synth-time check fails when one is not. Clients
   * created after the network can be added with {@link StaticEgressNetwork.addSqsClient}.
   *
   * @default - none: only the functions' security group is admitted
   */
  readonly sqsClients?: readonly ec2.ISecurityGroup[];

  /**
   * Create the SQS and Secrets Manager interface endpoints. Without them those calls go out
   * through the NAT (and are billed per GB there) instead of staying inside AWS's network.
   *
   * @default true
   */
  readonly interfaceEndpoints?: boolean;

  /**
   * IPv4 CIDR of the VPC. Pick one that does not overlap a network you may peer with.
   *
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * Deploy into this existing VPC (imported with `Vpc.fromLookup` or `Vpc.fromVpcAttributes`)
   * instead of creating one. Nothing that already exists in it is changed: the construct adds
   * its NAT(s) to `natSubnets`, NEW private subnets (`privateSubnetCidrs`) whose own route tables
   * default-route to those NATs, and the endpoints; existing subnets and route tables are left
   * as they are, so the other workloads keep their routes (and their own NAT, if any).
   * Requires `privateSubnetCidrs`, and `sqsClients` or `sqsClientsAcknowledged` unless both
   * interface endpoints are reused or disabled. See the README, "Deploying into an existing VPC".
   *
   * @default - a new VPC over two AZs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Existing-VPC mode: the public subnets (routed to an internet gateway) the NATs go into,
   * one per NAT, in different AZs.
   *
   * @default - the first `natGateways` of `vpc.publicSubnets`
   */
  readonly natSubnets?: readonly ec2.ISubnet[];

  /**
   * Existing-VPC mode: CIDRs of the private subnets this construct creates for the functions,
   * the cache and the endpoints, one per AZ (the i-th in `vpc.availabilityZones[i]`), each
   * unused in the VPC. Each gets its own route table whose default route is the NAT in its AZ
   * (or the only NAT). Prefer /22 or larger; give two for two AZs.
   */
  readonly privateSubnetCidrs?: readonly string[];

  /**
   * Existing-VPC mode: set to `'none-other-in-vpc'` to state that nothing else in the VPC calls
   * SQS or Secrets Manager, instead of declaring `sqsClients`. Without one of the two, synth
   * fails whenever this construct creates an interface endpoint with private DNS there.
   *
   * @default - not acknowledged
   */
  readonly sqsClientsAcknowledged?: 'none-other-in-vpc';

  /**
   * Existing-VPC mode: an SQS interface endpoint that already exists in the VPC (with private
   * DNS, usually already admitting the main server) to use instead of creating a second one,
   * which would fail to deploy anyway (only one endpoint per service may own the private DNS
   * name). The construct admits the functions' security group on tcp/443 to the endpoint's
   * security groups (import them mutable), and synth fails if it cannot see that admission.
   *
   * @default - a new SQS interface endpoint, if `interfaceEndpoints`
   */
  readonly sqsEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * Existing-VPC mode: an existing Secrets Manager interface endpoint to use, as `sqsEndpoint`.
   *
   * @default - a new Secrets Manager interface endpoint, if `interfaceEndpoints`
   */
  readonly secretsManagerEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * Set to `'admitted-by-caller'` when the reused endpoints' security groups already admit the
   * functions on tcp/443 in a way synth cannot see (their groups are imported immutable and
   * admit, say, the new private subnets' CIDRs). This turns the admission check off for them.
   *
   * @default - the construct adds the rule and the check verifies it
   */
  readonly reusedEndpointsAdmission?: 'admitted-by-caller';

  /**
   * Retention of the VPC flow logs (all traffic, to CloudWatch Logs).
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * A VPC over two AZs whose private subnets reach the internet only through NATs carrying
 * Elastic IPs that outlive the stack, so a third party can allow-list the source address.
 *
 * It also holds what every function in those subnets needs: a security group that may leave the
 * VPC on tcp/443 only, a DynamoDB gateway endpoint, SQS and Secrets Manager interface endpoints
 * admitting the functions and every declared client, and flow logs. Synth fails when a declared
 * client is not admitted by an interface endpoint, when the NATs and the published Elastic IPs
 * do not match one to one, or when a function in the VPC can reach the internet on anything but
 * tcp/443.
 *
 * With `vpc` it deploys into an existing VPC instead: NATs in the given public subnets, new
 * private subnets routed to them, no change to existing routes, and synth fails unless the other
 * SQS clients of that VPC are declared (or their absence acknowledged).
 *
 * @example
 * const network = new StaticEgressNetwork(stack, 'Network', {
 *   eipAllocationIds: ['eipalloc-0123456789abcdef0'],
 *   sqsClients: [mainServerSecurityGroup],
 * });
 */
export class StaticEgressNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  /** Attach every function that runs in this VPC to this group: egress tcp/443 only. */
  readonly functionSecurityGroup: ec2.SecurityGroup;
  /** Guards the interface endpoints; `undefined` when `interfaceEndpoints` is false. */
  readonly endpointSecurityGroup: ec2.SecurityGroup | undefined;
  /** Allocation ids of the Elastic IPs transfers leave from, one per NAT. */
  readonly egressAllocationIds: readonly string[];
  /**
   * The public addresses to give the provider, when this construct created them. For imported
   * allocation ids the address is not known to CloudFormation: this list is then empty.
   */
  readonly egressIps: readonly string[];
  /** The NAT instances, when `natKind` is `instance`. */
  readonly natInstances: readonly ec2.Instance[];
  /** The subnets the functions (and the cache, and the endpoints) run in. */
  readonly privateSubnets: readonly ec2.ISubnet[];
  /** True when deployed into a VPC given by the caller. */
  readonly existingVpc: boolean;

  private readonly endpointClients: { readonly name: string; readonly group: ec2.ISecurityGroup }[] = [];
  private readonly reusedEndpoints: {
    readonly name: string;
    readonly endpoint: ec2.IInterfaceVpcEndpoint;
  }[] = [];
  /** Subnets this construct puts resources into that the VPC object may not list. */
  private readonly ownSubnets: ec2.ISubnet[] = [];
  private createdPrivateDnsEndpoint = false;

  constructor(scope: Construct, id: string, props: StaticEgressNetworkProps = {}) {
    super(scope, id);
    const imported = props.eipAllocationIds;
    const natCount = props.natGateways ?? imported?.length ?? 1;
    if (!Number.isInteger(natCount) || natCount < 1 || natCount > 2) {
      throw new Error(`${this.node.path}: natGateways must be 1 or 2 (one per AZ), got ${natCount}`);
    }
    if (imported && imported.length !== natCount) {
      throw new Error(
        `${this.node.path}: natGateways is ${natCount} but ${imported.length} eipAllocationIds were given: ` +
          'each NAT needs its own allow-listed Elastic IP, and an unlisted NAT would get a random one',
      );
    }

    // Created addresses are retained: the provider allow-lists the address, not the stack, and
    // a stack delete must not hand it back to AWS. The logical ids must never change (a new
    // logical id is a new address).
    const created = imported
      ? []
      : Array.from({ length: natCount }, (_, i) => {
          const eip = new ec2.CfnEIP(this, `EgressEip${i + 1}`, {
            domain: 'vpc',
            tags: [{ key: 'Name', value: `${this.node.path}/EgressEip${i + 1}` }],
          });
          eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
          return eip;
        });
    this.egressAllocationIds = imported ? [...imported] : created.map((eip) => eip.attrAllocationId);
    this.egressIps = created.map((eip) => eip.ref);

    const natKind = props.natKind ?? NatKind.GATEWAY;
    this.existingVpc = props.vpc !== undefined;
    if (props.vpc) {
      if (natKind === NatKind.INSTANCE) {
        throw new Error(
          `${this.node.path}: natKind 'instance' is not supported with an existing vpc yet; use the NAT gateway`,
        );
      }
      if (props.vpcCidr !== undefined) {
        throw new Error(`${this.node.path}: vpcCidr applies to a new VPC only; the given vpc has its own`);
      }
      this.vpc = props.vpc;
      this.privateSubnets = this.egressInExistingVpc(props.vpc, natCount, props);
      this.natInstances = [];
    } else {
      for (const name of [
        'natSubnets',
        'privateSubnetCidrs',
        'sqsClientsAcknowledged',
        'sqsEndpoint',
        'secretsManagerEndpoint',
        'reusedEndpointsAdmission',
      ] as const) {
        if (props[name] !== undefined) {
          throw new Error(`${this.node.path}: ${name} applies to an existing vpc only (set vpc)`);
        }
      }
      const { vpc, natInstances } = this.newVpc(natCount, natKind, props);
      this.vpc = vpc;
      this.privateSubnets = vpc.privateSubnets;
      this.natInstances = natInstances;
    }

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'remit functions: HTTPS out only (provider via the NAT EIP, AWS APIs via endpoints)',
      allowAllOutbound: false,
    });
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(INTERNET_PORT),
      'HTTPS: the transfer provider through the NAT, AWS APIs through the endpoints',
    );
    if (this.natProvider) this.configureNatInstances(this.natProvider);

    const flowLogDestination = ec2.FlowLogDestination.toCloudWatchLogs(
      new logs.LogGroup(this, 'FlowLogGroup', {
        retention: props.flowLogRetention ?? logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    );
    if (props.vpc) {
      // The VPC belongs to others: log the subnets this construct owns, not their traffic.
      this.privateSubnets.forEach((subnet, i) => {
        new ec2.FlowLog(this, `FlowLog${i + 1}`, {
          resourceType: ec2.FlowLogResourceType.fromSubnet(subnet),
          destination: flowLogDestination,
          trafficType: ec2.FlowLogTrafficType.ALL,
        });
      });
    } else {
      (this.vpc as unknown as ec2.Vpc).addFlowLog('FlowLog', {
        destination: flowLogDestination,
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
    }

    const interfaceEndpoints = props.interfaceEndpoints ?? true;
    const services = [
      [ec2.InterfaceVpcEndpointAwsService.SQS, 'Sqs', props.sqsEndpoint],
      [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, 'SecretsManager', props.secretsManagerEndpoint],
    ] as const;
    if (!interfaceEndpoints && (props.sqsEndpoint || props.secretsManagerEndpoint)) {
      throw new Error(`${this.node.path}: interfaceEndpoints is false but an endpoint to reuse was given`);
    }
    const toCreate = interfaceEndpoints ? services.filter(([, , reused]) => reused === undefined) : [];
    if (toCreate.length > 0) {
      this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'SQS and Secrets Manager interface endpoints: 443 from declared clients only',
        allowAllOutbound: false,
      });
      this.admit('the functions', this.functionSecurityGroup);
      for (const [service, name] of toCreate) {
        const options: ec2.InterfaceVpcEndpointOptions = {
          service,
          privateDnsEnabled: true,
          securityGroups: [this.endpointSecurityGroup],
          // Admission is per client below, never "the whole VPC CIDR": that is the decision to
          // make visible, and the check enforces it.
          open: false,
          subnets: this.functionSubnets,
        };
        // New-VPC mode keeps the endpoints under the VPC (their logical ids must not change).
        if (props.vpc) new ec2.InterfaceVpcEndpoint(this, `${name}Endpoint`, { vpc: this.vpc, ...options });
        else this.vpc.addInterfaceEndpoint(name, options);
      }
      this.createdPrivateDnsEndpoint = true;
    } else {
      this.endpointSecurityGroup = undefined;
    }
    for (const [, name, reused] of services) {
      if (!reused) continue;
      this.reusedEndpoints.push({ name, endpoint: reused });
      if (props.reusedEndpointsAdmission === undefined) {
        // Additive only: one more ingress rule on the existing endpoint's (mutable) group.
        reused.connections.allowFrom(
          this.functionSecurityGroup,
          ec2.Port.tcp(INTERNET_PORT),
          `remit functions (${this.node.path}) to the ${name} endpoint`,
        );
      }
    }
    for (const client of props.sqsClients ?? []) this.addSqsClient(client);

    this.publishEgress();

    const subnets = [...this.ownSubnets, ...this.privateSubnets];
    this.node.addValidation({
      validate: () => [
        ...(props.vpc ? this.undeclaredClientViolations(props) : []),
        ...endpointAdmissionViolations(this, this.vpc, this.endpointClients),
        ...reusedEndpointAdmissionViolations(
          this,
          this.vpc,
          props.reusedEndpointsAdmission === undefined ? this.reusedEndpoints : [],
          this.functionSecurityGroup,
        ),
        ...egressGatewayViolations(this, this.vpc, this.egressAllocationIds, subnets),
        ...functionEgressViolations(this, this.vpc, subnets),
        ...functionSubnetViolations(this, this.functionSecurityGroup, this.privateSubnets),
      ],
    });
  }

  /** The private subnets functions run in. */
  get functionSubnets(): ec2.SubnetSelection {
    return this.existingVpc
      ? { subnets: [...this.privateSubnets] }
      : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }

  /**
   * Declares another SQS (and Secrets Manager) client in this VPC, such as the main server, and
   * admits it on tcp/443 to every interface endpoint.
   */
  addSqsClient(group: ec2.ISecurityGroup): void {
    this.endpointClients.push({ name: DECLARED_CLIENT, group });
    if (this.endpointSecurityGroup) {
      this.endpointSecurityGroup.addIngressRule(
        group,
        ec2.Port.tcp(INTERNET_PORT),
        `SQS/Secrets Manager client ${group.node.path}`,
      );
    }
  }

  private natProvider: ec2.NatInstanceProviderV2 | undefined;

  private newVpc(
    natCount: number,
    natKind: NatKind,
    props: StaticEgressNetworkProps,
  ): { vpc: ec2.IVpc; natInstances: readonly ec2.Instance[] } {
    const natInstanceType =
      props.natInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO);
    const instanceProvider =
      natKind === NatKind.INSTANCE
        ? ec2.NatProvider.instanceV2({
            instanceType: natInstanceType,
            machineImage: ec2.MachineImage.latestAmazonLinux2023({
              cpuType:
                natInstanceType.architecture === ec2.InstanceArchitecture.ARM_64
                  ? ec2.AmazonLinuxCpuType.ARM_64
                  : ec2.AmazonLinuxCpuType.X86_64,
            }),
            // Rules are added below: only the functions may use the NAT, and only on 443.
            defaultAllowedTraffic: ec2.NatTrafficDirection.NONE,
          })
        : undefined;
    this.natProvider = instanceProvider;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr ?? '10.0.0.0/16'),
      maxAzs: 2,
      natGateways: natCount,
      natGatewayProvider:
        instanceProvider ?? ec2.NatProvider.gateway({ eipAllocationIds: [...this.egressAllocationIds] }),
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        // Hyperplane ENIs are shared per (subnet, security group); a /22 leaves room for the
        // cache, the endpoints and whatever the team adds later.
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // Restricting the default group needs a custom-resource Lambda outside the VPC; nothing
      // here uses the default group (every ENI gets an explicit one).
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {
        // Free, and keeps DynamoDB traffic off the NAT (no per-GB charge, not from the EIP).
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    // aws-cdk-lib's (jsii) declarations predate exactOptionalPropertyTypes, under which a `Vpc`
    // is not assignable to `IVpc`; it is one.
    return {
      vpc: vpc as unknown as ec2.IVpc,
      natInstances: instanceProvider ? instanceProvider.gatewayInstances : [],
    };
  }

  /**
   * Existing-VPC mode: NAT gateway(s) with the published EIP(s) in the given public subnets, and
   * NEW private subnets with their own route tables pointing at them. No existing route table
   * is touched: the VPC's other workloads keep their routes, and the functions cannot end up
   * behind someone else's NAT (a subnet routed through another NAT leaves from an address the
   * provider never allow-listed).
   */
  private egressInExistingVpc(
    vpc: ec2.IVpc,
    natCount: number,
    props: StaticEgressNetworkProps,
  ): ec2.ISubnet[] {
    const where = this.node.path;
    const natSubnets = [...(props.natSubnets ?? vpc.publicSubnets.slice(0, natCount))];
    if (natSubnets.length !== natCount) {
      throw new Error(
        `${where}: ${natCount} NAT(s) need ${natCount} public subnet(s) (natSubnets), got ${natSubnets.length}` +
          (props.natSubnets ? '' : ' from vpc.publicSubnets'),
      );
    }
    const knownPublic = new Set(vpc.publicSubnets.map((s) => s.subnetId));
    for (const subnet of natSubnets) {
      if (!Token.isUnresolved(subnet.subnetId) && knownPublic.size > 0 && !knownPublic.has(subnet.subnetId)) {
        throw new Error(
          `${where}: natSubnets ${subnet.subnetId} is not one of the VPC's public subnets ` +
            `(${[...knownPublic].join(', ')}): a NAT gateway needs a subnet routed to an internet gateway`,
        );
      }
    }
    const cidrs = props.privateSubnetCidrs ?? [];
    if (cidrs.length === 0) {
      throw new Error(
        `${where}: privateSubnetCidrs is required with an existing vpc: this construct creates its own ` +
          'private subnets (one per AZ, unused CIDRs of the VPC) routed to its NAT, and never changes ' +
          "the routes of the VPC's existing subnets",
      );
    }
    const azs = vpc.availabilityZones;
    if (cidrs.length > azs.length) {
      throw new Error(`${where}: ${cidrs.length} privateSubnetCidrs but the vpc lists ${azs.length} AZ(s)`);
    }
    const natAz = (subnet: ec2.ISubnet): string | undefined => {
      try {
        return subnet.availabilityZone;
      } catch {
        return undefined; // imported with fromSubnetId: AZ unknown
      }
    };

    const nats = natSubnets.map((subnet, i) => {
      const allocationId = this.egressAllocationIds[i];
      if (allocationId === undefined) throw new Error(`${where}: no Elastic IP for NAT ${i + 1}`);
      const nat = new ec2.CfnNatGateway(this, `NatGateway${i + 1}`, {
        subnetId: subnet.subnetId,
        allocationId,
        tags: [{ key: 'Name', value: `${where}/NatGateway${i + 1}` }],
      });
      this.ownSubnets.push(subnet);
      return { nat, az: natAz(subnet) };
    });

    const privateSubnets = cidrs.map((cidrBlock, i) => {
      const availabilityZone = azs[i] as string;
      const subnet = new ec2.PrivateSubnet(this, `PrivateSubnet${i + 1}`, {
        vpcId: vpc.vpcId,
        availabilityZone,
        cidrBlock,
        mapPublicIpOnLaunch: false,
      });
      const nat =
        nats.length === 1 ? nats[0] : nats.find((n) => n.az !== undefined && n.az === availabilityZone);
      if (!nat) {
        throw new Error(
          `${where}: no NAT in ${availabilityZone} for privateSubnetCidrs ${cidrBlock}: with one NAT per ` +
            'AZ, give natSubnets (with known AZs) in the same AZs as vpc.availabilityZones',
        );
      }
      subnet.addDefaultNatRoute(nat.nat.ref);
      subnet.node.addDependency(nat.nat);
      return subnet;
    });

    new ec2.GatewayVpcEndpoint(this, 'DynamoDbEndpoint', {
      vpc,
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      // Only this construct's route tables: the other subnets' routes stay untouched.
      subnets: [{ subnets: privateSubnets }],
    });
    return privateSubnets;
  }

  /**
   * Existing-VPC mode: an interface endpoint with private DNS created here answers for every SQS
   * (Secrets Manager) client in the VPC; the caller must say who those are, or that there are none.
   */
  private undeclaredClientViolations(props: StaticEgressNetworkProps): string[] {
    if (!this.createdPrivateDnsEndpoint) return [];
    if (props.sqsClientsAcknowledged === 'none-other-in-vpc') return [];
    if (this.endpointClients.some((c) => c.name === DECLARED_CLIENT)) return [];
    return [
      `${this.node.path} creates SQS/Secrets Manager interface endpoints with private DNS in an existing VPC, ` +
        'but declares no other client of those services. Private DNS makes sqs.<region>.amazonaws.com resolve ' +
        'to the endpoint for EVERY resource in the VPC, and the endpoint admits only the security groups it ' +
        "knows: the main server's SQS calls would time out (the outage this package exists to prevent). " +
        'Declare every security group in the VPC that calls SQS or Secrets Manager with sqsClients (or ' +
        "addSqsClient), or set sqsClientsAcknowledged: 'none-other-in-vpc' if there is none, or reuse the " +
        "VPC's existing endpoint with sqsEndpoint / secretsManagerEndpoint.",
    ];
  }

  private admit(name: string, group: ec2.ISecurityGroup): void {
    this.endpointClients.push({ name: `Security group of ${name}`, group });
    this.endpointSecurityGroup?.addIngressRule(group, ec2.Port.tcp(INTERNET_PORT), name);
  }

  private configureNatInstances(provider: ec2.NatInstanceProviderV2): void {
    const natGroup = provider.securityGroup;
    natGroup.addIngressRule(
      this.functionSecurityGroup,
      ec2.Port.tcp(INTERNET_PORT),
      'HTTPS from the functions',
    );
    natGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(INTERNET_PORT), 'HTTPS out');
    provider.gatewayInstances.forEach((instance, i) => {
      const allocationId = this.egressAllocationIds[i];
      if (allocationId === undefined) throw new Error(`${this.node.path}: no Elastic IP for NAT ${i + 1}`);
      new ec2.CfnEIPAssociation(this, `NatEipAssociation${i + 1}`, {
        allocationId,
        instanceId: instance.instanceId,
      });
      const cfn = instance.node.defaultChild as ec2.CfnInstance;
      cfn.blockDeviceMappings = [
        { deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } },
      ];
      Validations.of(instance).acknowledge(
        {
          id: 'AwsSolutions-EC28',
          reason:
            'Detailed monitoring (1-minute metrics) costs more than the NAT instance itself; 5-minute ' +
            'metrics and the flow logs are enough to see it is forwarding.',
        },
        {
          id: 'AwsSolutions-EC29',
          reason:
            'Termination protection would block CloudFormation from replacing the instance on an AMI ' +
            'update; the Elastic IP (the part that must survive) is retained and re-associated.',
        },
      );
    });
  }

  private publishEgress(): void {
    new CfnOutput(this, 'EgressEipAllocationIds', {
      description: 'Elastic IP allocation ids the NATs use (import them with eipAllocationIds)',
      value: Fn.join(',', [...this.egressAllocationIds]),
    });
    if (this.egressIps.length > 0) {
      new CfnOutput(this, 'EgressIps', {
        description: 'Give these addresses to the transfer provider for its allow-list',
        value: Fn.join(',', [...this.egressIps]),
      });
    }
  }
}
