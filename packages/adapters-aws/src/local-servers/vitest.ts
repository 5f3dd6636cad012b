// Test-side helpers: only import this from test files (it imports vitest).
import { inject } from 'vitest';
import type { LocalEnv } from './start.js';

export * from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by local-servers/vitest-global-setup.ts for the integration project. */
    localServers: LocalEnv;
  }
}

/**
 * Endpoints of the servers the integration project's global setup started once for the whole
 * run. They are shared by every test file running in parallel: isolate with `uniqueName`.
 *
 * @example
 * const env = localEnv();
 * const ddb = createDynamoDbClient(env.dynamodb);
 * const table = uniqueName('orders');
 */
export function localEnv(): LocalEnv {
  const env = inject('localServers');
  if (env === undefined) {
    throw new Error(
      'localEnv(): no local servers. Run integration tests (*.int.test.ts) through the `integration` vitest project, whose globalSetup starts them.',
    );
  }
  return env;
}
