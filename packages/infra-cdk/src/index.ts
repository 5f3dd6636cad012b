/**
 * CDK constructs that deploy remit: a VPC whose egress leaves from allow-listed Elastic IPs
 * ({@link StaticEgressNetwork}) and the remittance pipeline running in it
 * ({@link RemittanceService}). Both fail synth on the misconfigurations that break payouts.
 *
 * @packageDocumentation
 */
export { RemittanceService, type RemittanceServiceProps } from './remittance-service.js';
export { NatKind, StaticEgressNetwork, type StaticEgressNetworkProps } from './static-egress-network.js';
