/**
 * cdk-nag's AwsSolutions pack over the sample app, synthesised the way `cdk synth` does it
 * (with CDK's built-in CloudFormation validation on).
 */
import { type App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, test } from 'vitest';
import { NatKind } from '../src/index.js';
import { existingVpcStack, newApp, removeOutdirs, sampleStack } from './helpers.js';

afterAll(removeOutdirs);

const ACKNOWLEDGED = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

/**
 * Both NAT flavours and the existing-VPC mode, in one app (stacks built from the same constructs
 * must not collide).
 */
function sampleApp(): App {
  const app = newApp({ cfnValidation: true });
  sampleStack(app);
  sampleStack(app, { natKind: NatKind.INSTANCE, natGateways: 2 }, 'RemitNatInstance');
  existingVpcStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

type Acknowledgment = { path: string; id: string; reason: string };

function awsSolutionsAcknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === ACKNOWLEDGED)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.includes('AwsSolutions-'))
      .map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^[^:]*::/, ''), reason })),
  );
}

/** `[path, rule id]` of every finding in a failed synth's report. */
function findings(error: unknown): string[] {
  const text = (error as Error).message;
  const pairs = [...text.matchAll(/^ {3}(\S+) \S+\n {3}Acknowledge with '[^:]+::([^']+)'/gm)];
  return pairs.map(([, path, id]) => `${path!.replace(/\/Resource$/, '')} ${id}`).sort();
}

describe('cdk-nag AwsSolutions', () => {
  test('the sample app passes', () => {
    expect(() => sampleApp().synth()).not.toThrow();
  });

  test('the checks are live: a queue without DLQ or TLS policy fails the same app', () => {
    const app = sampleApp();
    new sqs.Queue(app.node.findChild('Remit'), 'Careless');
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(findings(error)).toEqual(['Remit/Careless AwsSolutions-SQS3', 'Remit/Careless AwsSolutions-SQS4']);
  });

  test('every acknowledgment silences a real finding and says why', () => {
    const app = sampleApp();
    const acknowledged = awsSolutionsAcknowledgments(app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) {
      expect(reason.length, `${path} ${id}: a reason, not a shrug`).toBeGreaterThan(60);
    }
    // Drop the acknowledgments (test-only reach into the construct's metadata) and synth again:
    // each must come back as a finding on the construct it was attached to or below it.
    for (const c of app.node.findAll()) {
      const entries = (c.node as unknown as { _metadata?: { type: string }[] })._metadata ?? [];
      for (let i = entries.length - 1; i >= 0; i--)
        if (entries[i]!.type === ACKNOWLEDGED) entries.splice(i, 1);
    }
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const found = findings(error);
    for (const { path, id } of acknowledged) {
      expect(
        found.some((f) => f.startsWith(path) && f.endsWith(` ${id}`)),
        `${path} ${id} is needed`,
      ).toBe(true);
    }
    // ...and nothing else was hiding behind them.
    for (const f of found) {
      expect(
        acknowledged.some(({ path, id }) => f.startsWith(path) && f.endsWith(` ${id}`)),
        f,
      ).toBe(true);
    }
  });
});
