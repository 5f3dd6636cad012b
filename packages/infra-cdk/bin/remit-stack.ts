import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { type NatKind, RemittanceService, StaticEgressNetwork } from '../src/index.js';

/** Props of the sample {@link RemitStack}: what an operator sets per deployment. */
export interface RemitStackProps extends StackProps {
  /** Transfer provider API, `https://` on port 443. */
  readonly providerBaseUrl: string;
  /** Institution code the provider assigned. */
  readonly institutionCode: string;
  /** Receiving accounts: id to account number. */
  readonly accounts: Readonly<Record<string, string>>;
  /** Our paying account number at the provider. */
  readonly payerAccount: string;
  /** @default - new retained Elastic IPs (see StaticEgressNetworkProps.eipAllocationIds) */
  readonly eipAllocationIds?: readonly string[];
  /** @default - see StaticEgressNetworkProps.natGateways */
  readonly natGateways?: number;
  /** @default NatKind.GATEWAY */
  readonly natKind?: NatKind;
  /** @default true */
  readonly interfaceEndpoints?: boolean;
  /**
   * Security group ids (`sg-...`) of the existing SQS clients in this VPC (the main server).
   *
   * @default - none
   */
  readonly sqsClientSecurityGroupIds?: readonly string[];
  /** @default - see RemittanceServiceProps.ingestEntry */
  readonly ingestEntry?: string;
  /** @default - see RemittanceServiceProps.remitEntry */
  readonly remitEntry?: string;
  /** @default - see RemittanceServiceProps.reconcileEntry */
  readonly reconcileEntry?: string;
}

/** The sample deployment: one network, one remittance service. */
export class RemitStack extends Stack {
  readonly network: StaticEgressNetwork;
  readonly service: RemittanceService;

  constructor(scope: Construct, id: string, props: RemitStackProps) {
    super(scope, id, props);
    this.network = new StaticEgressNetwork(this, 'Network', {
      ...(props.eipAllocationIds ? { eipAllocationIds: props.eipAllocationIds } : {}),
      ...(props.natGateways !== undefined ? { natGateways: props.natGateways } : {}),
      ...(props.natKind ? { natKind: props.natKind } : {}),
      ...(props.interfaceEndpoints !== undefined ? { interfaceEndpoints: props.interfaceEndpoints } : {}),
      sqsClients: (props.sqsClientSecurityGroupIds ?? []).map((groupId, i) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, `SqsClient${i + 1}`, groupId),
      ),
    });
    this.service = new RemittanceService(this, 'Remittance', {
      network: this.network,
      providerBaseUrl: props.providerBaseUrl,
      institutionCode: props.institutionCode,
      accounts: props.accounts,
      payerAccount: props.payerAccount,
      ...(props.ingestEntry ? { ingestEntry: props.ingestEntry } : {}),
      ...(props.remitEntry ? { remitEntry: props.remitEntry } : {}),
      ...(props.reconcileEntry ? { reconcileEntry: props.reconcileEntry } : {}),
    });
  }
}
