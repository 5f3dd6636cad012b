#!/usr/bin/env -S tsx --conditions=@remit/source
/**
 * Sample app: `pnpm --filter @remit/infra-cdk synth` (offline, fake account) or
 * `pnpm --filter @remit/infra-cdk exec cdk deploy -c remit:account=<id> ...` (see the README).
 * Every setting is a context value (`-c key=value`, or `context` in cdk.json).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NatKind } from '../src/index.js';
import { RemitStack } from './remit-stack.js';

const app = new App();

function context(name: string): string | undefined {
  const value: unknown = app.node.tryGetContext(`remit:${name}`);
  if (value === undefined || value === null || value === '') return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}
function list(name: string): string[] | undefined {
  return context(name)
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const natKind = context('natKind');
if (natKind !== undefined && !Object.values<string>(NatKind).includes(natKind)) {
  throw new Error(`remit:natKind must be one of ${Object.values(NatKind).join(', ')}, got ${natKind}`);
}
const natGateways = context('natGateways');
const eipAllocationIds = list('eipAllocationIds');
const sqsClientSecurityGroupIds = list('sqsClientSecurityGroupIds');
// Handler files, relative to the repo root (defaults: apps/lambda/src/handlers/*.ts).
const ingestEntry = context('ingestEntry');
const remitEntry = context('remitEntry');
const reconcileEntry = context('reconcileEntry');

new RemitStack(app, context('stackName') ?? 'Remit', {
  // Without credentials (offline synth) the fake account matches the AZs in cdk.context.json.
  env: {
    account: context('account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111',
    region: context('region') ?? 'ap-northeast-2',
  },
  providerBaseUrl: context('providerBaseUrl') ?? 'https://openapi.transfer-provider.example',
  institutionCode: context('institutionCode') ?? 'T000000001',
  // `id=number,id=number`, like REMIT_ACCOUNTS.
  accounts: Object.fromEntries(
    (list('accounts') ?? ['acct-main=110-000-000001']).map((pair) => {
      const [id = '', number = ''] = pair.split('=').map((s) => s.trim());
      return [id, number];
    }),
  ),
  payerAccount: context('payerAccount') ?? '110-000-000900',
  ...(eipAllocationIds ? { eipAllocationIds } : {}),
  ...(natGateways !== undefined ? { natGateways: Number(natGateways) } : {}),
  ...(natKind !== undefined ? { natKind: natKind as NatKind } : {}),
  ...(sqsClientSecurityGroupIds ? { sqsClientSecurityGroupIds } : {}),
  ...(ingestEntry ? { ingestEntry } : {}),
  ...(remitEntry ? { remitEntry } : {}),
  ...(reconcileEntry ? { reconcileEntry } : {}),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
