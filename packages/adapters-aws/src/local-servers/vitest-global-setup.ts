// globalSetup of the `integration` vitest project (see vitest.config.ts): starts the local
// servers once per run, hands their endpoints to the tests, stops them at the end. If the run
// is interrupted or crashes, the harness's exit handlers and watchdogs stop them instead.
import type { TestProject } from 'vitest/node';
import { startLocalServers } from './start.js';
// The ProvidedContext['localServers'] declaration lives in ./vitest.ts (same tsc project).

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await startLocalServers();
  project.provide('localServers', { dynamodb: servers.dynamodb, sqs: servers.sqs, redis: servers.redis });
  return () => servers.stop();
}
