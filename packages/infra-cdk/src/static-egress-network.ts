import { CfnOutput, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  egressGatewayViolations,
  endpointAdmissionViolations,
  functionEgressViolations,
  INTERNET_PORT,
} from './checks.js';

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

  private readonly endpointClients: { readonly name: string; readonly group: ec2.ISecurityGroup }[] = [];

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
    this.vpc = vpc as unknown as ec2.IVpc;

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

    this.natInstances = instanceProvider ? instanceProvider.gatewayInstances : [];
    if (instanceProvider) this.configureNatInstances(instanceProvider);

    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogGroup', {
          retention: props.flowLogRetention ?? logs.RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    if (props.interfaceEndpoints ?? true) {
      this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'SQS and Secrets Manager interface endpoints: 443 from declared clients only',
        allowAllOutbound: false,
      });
      this.admit('the functions', this.functionSecurityGroup);
      for (const [service, name] of [
        [ec2.InterfaceVpcEndpointAwsService.SQS, 'Sqs'],
        [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, 'SecretsManager'],
      ] as const) {
        this.vpc.addInterfaceEndpoint(name, {
          service,
          privateDnsEnabled: true,
          securityGroups: [this.endpointSecurityGroup],
          // Admission is per client below, never "the whole VPC CIDR": that is the decision to
          // make visible, and the check enforces it.
          open: false,
          subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        });
      }
    } else {
      this.endpointSecurityGroup = undefined;
    }
    for (const client of props.sqsClients ?? []) this.addSqsClient(client);

    this.publishEgress();

    this.node.addValidation({
      validate: () => [
        ...endpointAdmissionViolations(this, this.vpc, this.endpointClients),
        ...egressGatewayViolations(this, this.vpc, this.egressAllocationIds),
        ...functionEgressViolations(this, this.vpc),
      ],
    });
  }

  /** The private subnets functions run in. */
  get functionSubnets(): ec2.SubnetSelection {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }

  /**
   * Declares another SQS (and Secrets Manager) client in this VPC, such as the main server, and
   * admits it on tcp/443 to every interface endpoint.
   */
  addSqsClient(group: ec2.ISecurityGroup): void {
    this.endpointClients.push({ name: 'Declared SQS client', group });
    if (this.endpointSecurityGroup) {
      this.endpointSecurityGroup.addIngressRule(
        group,
        ec2.Port.tcp(INTERNET_PORT),
        `SQS/Secrets Manager client ${group.node.path}`,
      );
    }
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
